package dev.ballast.resolve;

import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskDefinitionStatus;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.TaskDefinitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The audit of a server's ACTIVE task definitions with the server's own policy decisions and the registry knowledge
 * the server recorded (digests it found missing): what {@code ballast audit --live} computes from the API (its
 * decisions through ExplainPolicy) and the console's audit page computes in-process ({@link #run}, no registry
 * request). The selection of revisions, the check of a recorded missing digest and the audit of one task definition
 * live here so both agree.
 */
public final class ServerAudit {
    private static final int PAGE = 500;

    private final Store store;
    private final PolicyExplainer explainer;
    private final Audit audit;

    public ServerAudit(Store store, ManagedCatalog catalog) {
        this.store = Objects.requireNonNull(store, "store");
        this.explainer = new PolicyExplainer(store, catalog);
        this.audit = new Audit(catalog);
    }

    /**
     * One audited task definition revision.
     *
     * @param arn its ARN
     * @param family its family
     * @param revision its revision
     * @param clusterArn the cluster whose rules and setting took part, or null for the account's only
     * @param containers each container's audit, in the definition's order
     */
    public record Audited(
            String arn, String family, int revision, String clusterArn, List<Audit.ContainerAudit> containers) {
        public Audited {
            containers = List.copyOf(containers);
        }
    }

    /**
     * The store's ACTIVE task definitions (the newest revision of each family, or every revision), audited with the
     * policy decided here for {@code clusterArn} (null: the account's rules and setting only) and the digests the
     * server recorded missing; the registries are not asked.
     */
    public List<Audited> run(String clusterArn, boolean allRevisions) {
        List<String> arns = new ArrayList<>();
        TaskDefinitions.Cursor after = null;
        while (true) {
            List<TaskDefinitionRecord> page =
                    store.taskDefinitions().list(TaskDefinitionStatus.ACTIVE.wire(), null, false, after, PAGE);
            page.forEach(r -> arns.add(r.arn()));
            if (page.size() < PAGE) {
                break;
            }
            after = new TaskDefinitions.Cursor(
                    page.getLast().family(), page.getLast().revision());
        }
        Set<String> missing = store.missingImages().all().stream()
                .map(MissingImage::reference)
                .collect(Collectors.toSet());
        PolicyInputs inputs = explainer.inputs(clusterArn);
        List<Audited> out = new ArrayList<>();
        for (String arn : selectRevisions(arns, allRevisions)) {
            store.taskDefinitions().findByArn(arn).ifPresent(td -> {
                Map<String, Decision> decisions = new TreeMap<>();
                explainer
                        .explain(td.definition(), inputs)
                        .forEach(e -> decisions.put(e.container().name(), e.decision()));
                out.add(new Audited(
                        td.arn(),
                        td.family(),
                        td.revision(),
                        clusterArn,
                        containers(audit, td.definition(), decisions, missing, Map.of())));
            });
        }
        return out;
    }

    /**
     * {@code audit}'s findings for each container of {@code definition} with the server's {@code decisions} (by container name),
     * the server's records of missing digests ({@code registry/repository@digest}) and what registries said
     * ({@code checks} by image as written; empty when none was asked).
     *
     * @throws IllegalArgumentException naming the container when {@code decisions} has none for it
     */
    public static List<Audit.ContainerAudit> containers(
            Audit audit,
            TaskDefinition definition,
            Map<String, Decision> decisions,
            Set<String> missing,
            Map<String, ImageCheck> checks) {
        List<Audit.ContainerAudit> out = new ArrayList<>();
        for (ContainerDefinition c : definition.containers()) {
            Decision decision = decisions.get(c.name());
            if (decision == null) {
                throw new IllegalArgumentException("no decision for container " + c.name());
            }
            out.add(audit.container(c, decision, check(c.image(), missing, checks)));
        }
        return out;
    }

    /**
     * {@link ImageCheck#DIGEST_MISSING} when the server recorded {@code image}'s pinned digest as missing
     * ({@code missing} holds {@code registry/repository@digest}), else what the registry said, else not checked.
     */
    public static ImageCheck check(String image, Set<String> missing, Map<String, ImageCheck> checks) {
        ImageReference ref = image == null ? null : ImagePattern.Image.of(image).reference();
        if (ref != null
                && ref.digest().isPresent()
                && missing.contains(ref.name() + "@" + ref.digest().get())) {
            return ImageCheck.DIGEST_MISSING;
        }
        return image == null ? ImageCheck.NOT_CHECKED : checks.getOrDefault(image, ImageCheck.NOT_CHECKED);
    }

    /**
     * The ARNs of {@code arns} (task definition revisions) to audit: every one, or the newest revision of each
     * family; sorted by family then revision.
     */
    public static List<String> selectRevisions(Collection<String> arns, boolean allRevisions) {
        TreeMap<String, TreeMap<Integer, String>> byFamily = new TreeMap<>();
        for (String arn : arns) {
            String familyRevision = arn.substring(arn.lastIndexOf('/') + 1);
            int colon = familyRevision.lastIndexOf(':');
            byFamily.computeIfAbsent(familyRevision.substring(0, colon), f -> new TreeMap<>())
                    .put(Integer.parseInt(familyRevision.substring(colon + 1)), arn);
        }
        List<String> out = new ArrayList<>();
        for (TreeMap<Integer, String> revisions : byFamily.values()) {
            if (allRevisions) {
                out.addAll(revisions.values());
            } else {
                out.add(revisions.lastEntry().getValue());
            }
        }
        return out;
    }
}
