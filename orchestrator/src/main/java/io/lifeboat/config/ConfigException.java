package io.lifeboat.config;

import io.lifeboat.ExitCode;
import io.lifeboat.LifeboatException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Invalid configuration: every problem found, each with file, line, key and hint. Exit 2. */
public class ConfigException extends LifeboatException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(ExitCode.USAGE, render(problems));
        this.problems = List.copyOf(problems);
    }

    public static ConfigException single(Path file, int line, String key, String message, String hint) {
        return new ConfigException(List.of(new ConfigProblem(file, line, key, message, hint)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        if (problems.size() == 1) {
            return "invalid configuration: " + problems.get(0);
        }
        return "invalid configuration (" + problems.size() + " problems):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
