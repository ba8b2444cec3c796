package dev.ballast.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerErrorTest {
    @Test
    void theErrorIsReadFromTheReasonsCodeNotItsDetails() {
        assertThat(ContainerError.of("CannotPullContainerError: manifest unknown"))
                .contains(ContainerError.CANNOT_PULL_CONTAINER);
        assertThat(ContainerError.of(ContainerError.CANNOT_START_CONTAINER.reason("exec failed")))
                .contains(ContainerError.CANNOT_START_CONTAINER);
        assertThat(ContainerError.of("DependencyConditionNotMet"))
                .contains(ContainerError.DEPENDENCY_CONDITION_NOT_MET);
        // details that mention an error do not make the reason name it
        assertThat(ContainerError.of("Essential container exited: CannotPullContainerError earlier"))
                .isEmpty();
        assertThat(ContainerError.of("CannotPullContainerErrorish: x")).isEmpty();
        assertThat(ContainerError.of(null)).isEmpty();
    }
}
