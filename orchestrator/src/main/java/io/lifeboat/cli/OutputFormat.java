package io.lifeboat.cli;

/** How a command prints its result: for people, or as JSON for programs (one document on stdout). */
public enum OutputFormat {
    text, json
}
