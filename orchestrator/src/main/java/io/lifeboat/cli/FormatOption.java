package io.lifeboat.cli;

import picocli.CommandLine.Option;

/** {@code --format text|json}, as a mixin for commands that print a result. */
final class FormatOption {
    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.text;
}
