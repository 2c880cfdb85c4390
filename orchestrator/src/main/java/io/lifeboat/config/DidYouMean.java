package io.lifeboat.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Suggests the allowed word a typo was probably meant to be ("hsot" → "host"). */
final class DidYouMean {
    /** Farther than this and the suggestion is more often confusing than helpful. */
    static final int MAX_DISTANCE = 2;

    private DidYouMean() {
    }

    /**
     * The candidate closest to {@code input}, if one is within {@link #MAX_DISTANCE} edits. A
     * candidate that differs only in letter case always wins: it is certainly what was meant.
     * Ties go to the earlier candidate, so callers list the common words first.
     */
    static Optional<String> closest(String input, Collection<String> candidates) {
        String folded = input.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.toLowerCase(Locale.ROOT).equals(folded)) {
                return Optional.of(candidate);
            }
            int d = distance(folded, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // "ab" is two edits from every two-letter word: only suggest when some of the input survives.
        if (best != null && bestDistance <= MAX_DISTANCE && bestDistance < input.length()) {
            return Optional.of(best);
        }
        return Optional.empty();
    }

    /**
     * Edit distance counting insertion, deletion, substitution and the swap of two neighbours as
     * one edit each (optimal string alignment), because swapped letters are the commonest typo.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
