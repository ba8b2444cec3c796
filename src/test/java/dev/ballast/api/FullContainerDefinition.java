package dev.ballast.api;

import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerRestartPolicy;
import software.amazon.awssdk.services.ecs.model.DeviceCgroupPermission;
import software.amazon.awssdk.services.ecs.model.EnvironmentFileType;
import software.amazon.awssdk.services.ecs.model.FirelensConfigurationType;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.ResourceType;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;
import software.amazon.awssdk.services.ecs.model.UlimitName;

/**
 * A container definition with every member the AWS SDK knows set to a non-default value (but
 * {@code logConfiguration.secretOptions}, which RegisterTaskDefinition refuses by name).
 */
final class FullContainerDefinition {
    private FullContainerDefinition() {}

    static ContainerDefinition app() {
        return ContainerDefinition.builder()
                .name("app")
                .image("127.0.0.1:5000/demo/app:v1")
                .repositoryCredentials(
                        r -> r.credentialsParameter("arn:aws:secretsmanager:us-east-1:123456789012:secret:reg"))
                .cpu(256)
                .memory(512)
                .memoryReservation(256)
                .links("sidecar:side")
                .portMappings(p -> p.containerPort(8080)
                        .hostPort(18080)
                        .protocol(TransportProtocol.TCP)
                        .name("http")
                        .appProtocol("http"))
                .essential(true)
                .restartPolicy(ContainerRestartPolicy.builder()
                        .enabled(true)
                        .ignoredExitCodes(0, 3)
                        .restartAttemptPeriod(60)
                        .build())
                .entryPoint("/bin/sh", "-c")
                .command("echo hello; sleep 3600")
                .environment(
                        e -> e.name("MODE").value("prod"), e -> e.name("EMPTY").value(""))
                .environmentFiles(f -> f.value("arn:aws:s3:::bucket/app.env").type(EnvironmentFileType.S3))
                .mountPoints(m -> m.sourceVolume("data").containerPath("/data").readOnly(true))
                .volumesFrom(v -> v.sourceContainer("sidecar").readOnly(false))
                .linuxParameters(l -> l.capabilities(c -> c.add("NET_ADMIN").drop("MKNOD"))
                        .devices(d -> d.hostPath("/dev/fuse")
                                .containerPath("/dev/fuse")
                                .permissions(DeviceCgroupPermission.READ))
                        .initProcessEnabled(true)
                        .sharedMemorySize(64)
                        .tmpfs(t -> t.containerPath("/tmp").size(32).mountOptions("rw", "noexec"))
                        .maxSwap(128)
                        .swappiness(10))
                .secrets(s -> s.name("DB_PASSWORD").valueFrom("arn:aws:ssm:us-east-1:123456789012:parameter/db"))
                .dependsOn(d -> d.containerName("sidecar").condition(ContainerCondition.START))
                .startTimeout(30)
                .stopTimeout(20)
                .versionConsistency("consistent")
                .hostname("app-host")
                .user("1000:1000")
                .workingDirectory("/srv")
                .disableNetworking(false)
                .privileged(false)
                .readonlyRootFilesystem(true)
                .dnsServers("10.0.0.2")
                .dnsSearchDomains("example.internal")
                .extraHosts(h -> h.hostname("db").ipAddress("10.0.0.5"))
                .dockerSecurityOptions("no-new-privileges")
                .interactive(true)
                .pseudoTerminal(true)
                .dockerLabels(Map.of("team", "core", "tier", "web"))
                .ulimits(u -> u.name(UlimitName.NOFILE).softLimit(1024).hardLimit(4096))
                .logConfiguration(l -> l.logDriver(LogDriver.JSON_FILE)
                        // secretOptions is refused by name (docs/secrets.md): Ballast configures no log drivers
                        .options(Map.of("max-size", "10m")))
                .healthCheck(h -> h.command("CMD-SHELL", "true")
                        .interval(30)
                        .timeout(5)
                        .retries(3)
                        .startPeriod(10))
                .systemControls(s -> s.namespace("net.core.somaxconn").value("1024"))
                .resourceRequirements(r -> r.type(ResourceType.GPU).value("1"))
                .firelensConfiguration(f ->
                        f.type(FirelensConfigurationType.FLUENTBIT).options(Map.of("enable-ecs-log-metadata", "true")))
                .credentialSpecs("credentialspec:arn:aws:s3:::bucket/spec.json")
                .build();
    }

    static ContainerDefinition sidecar() {
        return ContainerDefinition.builder()
                .name("sidecar")
                .image("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable")
                .memory(64)
                .essential(false)
                .versionConsistency("disabled")
                .build();
    }
}
