/**
 * The command line (picocli): one class per command group, exit codes in every command's help,
 * {@code --format json} where a command prints results. The only package that imports picocli.
 */
package io.lifeboat.cli;
