package io.lifeboat.cli;

import io.lifeboat.Application;
import io.lifeboat.config.LifeboatConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of commands that read the configuration; finds {@code --config} wherever it was given. */
abstract class ConfiguredCommand {
    protected final Application app;

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions local = new GlobalOptions();

    ConfiguredCommand(Application app) {
        this.app = app;
    }

    Path configFile() {
        Path p = local.config;
        if (p == null && spec.root().userObject() instanceof LifeboatCommand root) {
            p = root.global.config;
        }
        return GlobalOptions.resolve(p, System.getenv());
    }

    LifeboatConfig config() {
        return app.loadConfig(configFile());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
