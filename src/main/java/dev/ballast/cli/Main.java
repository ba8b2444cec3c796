package dev.ballast.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ballast} executable: dispatches to picocli subcommands. */
@Command(name = "ballast",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Self-hosted, ECS-compatible container control plane with image version consistency.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ServerCommand.class,
            ResolveCommand.class,
            PolicyCommand.class,
            AgentCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run subcommands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
