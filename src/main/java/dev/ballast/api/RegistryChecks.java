package dev.ballast.api;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import dev.ballast.registry.RegistryAccess;
import dev.ballast.store.TaskDefinitionRecord;

/**
 * Refuses container images on registries the server's {@link RegistryAccess} ({@code --allowed-registries}, and
 * the link-local/metadata rule) does not permit, at RegisterTaskDefinition, RunTask and CreateService/UpdateService
 * time: a {@code ClientException} naming the container, the image and the option, before any registry request.
 * A task definition registered before the allow-list changed is refused when it is run or deployed.
 */
final class RegistryChecks {
    private final RegistryAccess access;

    RegistryChecks(RegistryAccess access) {
        this.access = access;
    }

    /** Checks every container of a registered task definition. */
    void check(TaskDefinitionRecord td) {
        check(td.definition());
    }

    /** Checks every container definition's {@code image} (syntax is checked elsewhere; unparsable ones are skipped). */
    void check(TaskDefinition td) {
        for (ContainerDefinition c : td.containers()) {
            String image = c.image() == null ? "" : c.image();
            ImageReference ref;
            try {
                ref = ImageReference.parse(image);
            } catch (InvalidReferenceException e) {
                continue;
            }
            access.refusal(ref.registry()).ifPresent(why -> {
                throw AwsException.client("Invalid 'image' '" + ShapeValidator.clip(image) + "' for container '"
                        + ShapeValidator.clip(c.name()) + "': " + why + ".");
            });
        }
    }
}
