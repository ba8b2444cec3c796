package dev.ballast.cli;

import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.Mode;
import dev.ballast.model.Severity;
import dev.ballast.registry.DockerConfigCredentials;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.resolve.Audit;
import dev.ballast.resolve.ImageCheck;
import dev.ballast.resolve.ImageChecks;
import dev.ballast.resolve.ManagedCatalog;
import dev.ballast.resolve.PolicyInputs;
import dev.ballast.resolve.ServerAudit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast audit}: per container of task definition files (or of the live server's ACTIVE task definitions)
 * the effective version-consistency mode and the layer deciding it, and the risks ({@link
 * dev.ballast.resolve.AuditRule}), as a table, JSON or SARIF 2.1.0; the exit code tells CI whether a finding at or
 * above {@code --fail-on} exists (README, "ballast audit").
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Audit task definitions (JSON files, directories of *.json, or --live: the server's) for version-consistency "
                    + "risks: per container the effective mode, the layer deciding it, and findings with a recommendation.",
            "Exit code: 0 no finding at or above --fail-on, 1 there is one, 2 bad input or the audit could not run."
        })
final class AuditCommand implements Callable<Integer> {
    /** Output formats. */
    enum Output {
        TABLE,
        JSON,
        SARIF
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            arity = "0..*",
            paramLabel = "PATH",
            description = "Task definition files (RegisterTaskDefinition input or DescribeTaskDefinition answer) "
                    + "or directories (searched recursively for *.json, sorted).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--live", description = "Audit the server's ACTIVE task definitions with the server's policy.")
    boolean live;

    @Option(
            names = "--all-revisions",
            description = "With --live: every ACTIVE revision, not only the newest per family.")
    boolean allRevisions;

    @Option(names = "--cluster", description = "With --live: let this cluster's rules and setting take part.")
    String cluster;

    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description = "File mode: account image rules, a JSON list of {\"pattern\": …, \"mode\": …}.")
    Path rulesFile;

    @Option(
            names = "--account-setting",
            paramLabel = "MODE",
            description =
                    "File mode: the account's versionConsistency setting (enabled|consistent|best-effort|disabled).")
    String accountSetting;

    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (default), json or sarif.")
    Output output;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            defaultValue = "error",
            description =
                    "Exit 1 when a finding of this severity or more exists: error (default), warning, note, none.")
    String failOn;

    @Option(names = "--offline", description = "Do not contact registries (no digest, tag or reachability checks).")
    boolean offline;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            split = ",",
            description = "Use plain HTTP for this registry (repeatable); loopback registries always are.")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(
            names = "--docker-config",
            paramLabel = "PATH",
            description = "Docker config.json for registry credentials (default: $DOCKER_CONFIG/config.json or "
                    + "~/.docker/config.json).")
    Path dockerConfig;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Registry request timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--endpoint",
            description = "With --live: the Ballast API endpoint (defaults as for ballast policy).")
    URI endpoint;

    @Option(names = "--region", description = "With --live: the signing region.")
    String region;

    @Option(names = "--access-key", description = "With --live: the access key id.")
    String accessKey;

    @Option(names = "--secret-key", description = "With --live: the secret access key.")
    String secretKey;

    private final AwsEnvironment environment;

    AuditCommand() {
        this(AwsEnvironment.system());
    }

    AuditCommand(AwsEnvironment environment) {
        this.environment = environment;
    }

    /** Bad input or an audit that could not run: the message goes to stderr, the exit code is 2. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Optional<Severity> threshold = threshold();
            AuditReport report = live ? liveReport() : fileReport();
            switch (output) {
                case TABLE -> report.table(out);
                case JSON -> out.println(report.json().toPrettyString());
                case SARIF -> out.println(SarifWriter.write(report).toPrettyString());
            }
            out.flush();
            return threshold.isPresent() && report.fails(threshold.get()) ? 1 : 0;
        } catch (Unusable | AuditFiles.BadInput e) {
            err.println("ballast audit: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private Optional<Severity> threshold() throws Unusable {
        if (failOn.equals("none")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Severity.fromWire(failOn));
        } catch (IllegalArgumentException e) {
            throw new Unusable("--fail-on: " + e.getMessage() + "; use error, warning, note or none");
        }
    }

    private AuditReport fileReport() throws Unusable, AuditFiles.BadInput {
        if (paths.isEmpty()) {
            throw new Unusable("name task definition files or directories, or use --live");
        }
        if (allRevisions || cluster != null || endpoint != null) {
            throw new Unusable("--all-revisions, --cluster and --endpoint need --live");
        }
        PolicyInputs inputs = new PolicyInputs(
                List.of(),
                rulesFile == null ? List.of() : AuditFiles.rules(rulesFile),
                Optional.empty(),
                accountSetting());
        List<AuditFiles.TaskDefinitionFile> files = new ArrayList<>();
        for (Path p : AuditFiles.expand(paths)) {
            files.add(AuditFiles.read(p));
        }
        Map<String, ImageCheck> checks = checks(files.stream()
                .flatMap(f -> f.definition().containers().stream())
                .map(ContainerDefinition::image)
                .toList());
        Audit audit = new Audit(ManagedCatalog.builtIn());
        List<AuditReport.Audited> out = new ArrayList<>();
        for (AuditFiles.TaskDefinitionFile f : files) {
            out.add(new AuditReport.Audited(
                    f.file(),
                    f.definition().arn(),
                    f.definition().family(),
                    null,
                    f.definition().containers().stream()
                            .map(c ->
                                    audit.container(c, inputs, checks.getOrDefault(c.image(), ImageCheck.NOT_CHECKED)))
                            .toList(),
                    f.lines()));
        }
        return new AuditReport(out);
    }

    private AuditReport liveReport() throws Unusable {
        if (!paths.isEmpty() || rulesFile != null || accountSetting != null) {
            throw new Unusable("--live audits the server with its own policy: PATH, --rules and --account-setting "
                    + "are for files");
        }
        LiveAudit server = new LiveAudit(client(), cluster);
        Audit audit = new Audit(ManagedCatalog.builtIn());
        try {
            List<LiveAudit.Explained> explained = new ArrayList<>();
            for (String arn : server.taskDefinitionArns(allRevisions)) {
                explained.add(server.explain(arn));
            }
            Map<String, String> missing = server.missingImages();
            Map<String, ImageCheck> checks = checks(explained.stream()
                    .flatMap(e -> e.definition().containers().stream())
                    .map(ContainerDefinition::image)
                    .toList());
            List<AuditReport.Audited> out = new ArrayList<>();
            for (LiveAudit.Explained e : explained) {
                List<Audit.ContainerAudit> containers;
                try {
                    containers = ServerAudit.containers(audit, e.definition(), e.decisions(), missing.keySet(), checks);
                } catch (IllegalArgumentException noDecision) {
                    throw new Unusable("ExplainPolicy for " + e.definition().arn() + " has " + noDecision.getMessage());
                }
                out.add(new AuditReport.Audited(
                        null, e.definition().arn(), e.definition().family(), e.cluster(), containers, Map.of()));
            }
            return new AuditReport(out);
        } catch (JsonApiClient.Failure f) {
            throw new Unusable(f.type() + ": " + f.getMessage());
        }
    }

    private JsonApiClient client() throws Unusable {
        try {
            return LifecycleConnection.client(environment, endpoint, region, accessKey, secretKey);
        } catch (IllegalArgumentException e) {
            throw new Unusable(e.getMessage());
        }
    }

    /** What the registries say about {@code images}; nothing with {@code --offline}. */
    private Map<String, ImageCheck> checks(List<String> images) throws Unusable {
        if (offline) {
            return Map.of();
        }
        RegistryConfig config;
        try {
            config = RegistryConfig.defaults()
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(Math.max(1, timeoutSeconds)))
                    .withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(5))
                    .withInsecureRegistries(new LinkedHashSet<>(insecureRegistries))
                    .withCredentials(DockerConfigCredentials.load(
                            dockerConfig != null ? dockerConfig : DockerConfigCredentials.defaultPath(), null));
        } catch (IllegalArgumentException e) {
            throw new Unusable(e.getMessage());
        }
        return new ImageChecks(new RegistryClient(config, new SimpleMeterRegistry())).check(images);
    }

    private Optional<String> accountSetting() throws Unusable {
        if (accountSetting == null) {
            return Optional.empty();
        }
        if (Mode.of(accountSetting).isEmpty()) {
            throw new Unusable("--account-setting: invalid mode \"" + accountSetting + "\". " + Mode.accepted());
        }
        return Optional.of(accountSetting);
    }
}
