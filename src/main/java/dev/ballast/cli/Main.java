package dev.ballast.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ballast} executable: dispatches to picocli subcommands. */
@Command(
        name = "ballast",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Self-hosted, ECS-compatible container control plane with image version consistency.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ServerCommand.class,
            ResolveCommand.class,
            PolicyCommand.class,
            AuditCommand.class,
            PinsCommand.class,
            ServicePolicyCommand.class,
            DriftCommand.class,
            ApproveCommand.class,
            RollbackCommand.class,
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
        return commandLine(AwsEnvironment.system());
    }

    /** As {@link #commandLine()}, with the AWS environment that commands calling a server read defaults from. */
    static CommandLine commandLine(AwsEnvironment environment) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == PolicyCommand.Connection.class) {
                    return cls.cast(new PolicyCommand.Connection(environment));
                }
                if (cls == AuditCommand.class) {
                    return cls.cast(new AuditCommand(environment));
                }
                if (cls == LifecycleConnection.class) {
                    return cls.cast(new LifecycleConnection(environment));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        return new CommandLine(new Main(), factory).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
