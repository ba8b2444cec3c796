package dev.ballast.lifecycle;

import dev.ballast.model.ContainerResolution;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift's starting point: when a deployment's resolution record becomes RESOLVED, each tag it resolved is recorded
 * as pointing to the resolved digest ({@link TagSource#DEPLOYMENT}), unless a state checked at or after that
 * resolution exists — so drift can compare before the tag watcher's first pass. Called by the service controller
 * ({@code ServiceController.onResolved}) right after it stored the record.
 */
public final class DriftBaseline {
    private static final Logger LOG = LoggerFactory.getLogger(DriftBaseline.class);
    private final Store store;
    private final Clock clock;

    public DriftBaseline(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records the resolved tags of {@code revision} (see the class comment); never throws. */
    public void resolved(RevisionRow revision) {
        for (ContainerResolution c : revision.resolution().containers()) {
            if (c.resolutionMode() != ResolutionOutcome.RESOLVED || c.imageDigest() == null) {
                continue; // verified digests were written by the user; the tag may point elsewhere
            }
            TagKey tag = DriftView.tag(c.image());
            if (tag == null) {
                continue;
            }
            long at = c.resolvedAt() == null ? clock.millis() : c.resolvedAt();
            try {
                Optional<TagState> known = store.tagStates().find(tag);
                if (known.isEmpty() || known.get().checkedAt() < at) {
                    store.tagStates()
                            .record(new TagState(tag, c.imageDigest(), null, null, at, at, TagSource.DEPLOYMENT));
                }
            } catch (RuntimeException e) {
                LOG.warn("drift baseline of {} ({}): {}", tag, revision.arn(), e.toString());
            }
        }
    }
}
