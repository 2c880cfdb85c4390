package io.lifeboat.drills.restore;

import io.lifeboat.drills.sandbox.QueryFailedException;
import io.lifeboat.drills.sandbox.QueryResult;
import io.lifeboat.drills.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every engine's {@link NewDatabase} shares: it is queried, counted and dropped through
 * {@code view}, the drills' own sandbox over the same database (so the checks run exactly as in a
 * drill, and dropping touches that database only), and kept once {@link #keep()} or a swap said
 * so. Engines add how they restore and how (or whether) they swap.
 */
public abstract class CreatedDatabase implements NewDatabase {

    private final String name;
    private final Sandbox view;
    private boolean kept;

    protected CreatedDatabase(String name, Sandbox view) {
        this.name = name;
        this.view = view;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public final QueryResult query(String sql, Duration timeout) throws QueryFailedException {
        return view.query(sql, timeout);
    }

    @Override
    public final Map<String, Long> rowCounts(Duration timeout) throws QueryFailedException {
        return view.rowCounts(timeout);
    }

    @Override
    public final synchronized void keep() {
        kept = true;
    }

    @Override
    public final synchronized void close() {
        if (!kept) {
            // the view drops exactly this database, and only it
            view.close();
            kept = true;
        }
    }
}
