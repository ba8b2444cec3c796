package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {
    private static final int MIB = 1 << 20;

    @Test
    void largeBodiesUseThreeQuartersAndSmallOnesTheRest() {
        BodyBudget budget = new BodyBudget(4L * MIB);
        assertThat(budget.tryAcquire(MIB)).isTrue();
        assertThat(budget.tryAcquire(MIB)).isTrue();
        assertThat(budget.tryAcquire(MIB)).isTrue();
        assertThat(budget.tryAcquire(MIB)).as("a fourth large body").isFalse();
        assertThat(budget.used()).isEqualTo(3L * MIB);
        for (int i = 0; i < 16; i++) {
            assertThat(budget.tryAcquire(BodyBudget.SMALL_BODY_BYTES))
                    .as("small body " + i)
                    .isTrue();
        }
        assertThat(budget.tryAcquire(1)).as("nothing left").isFalse();
        budget.release(MIB);
        assertThat(budget.tryAcquire(1)).isTrue();
        assertThat(budget.tryAcquire(BodyBudget.SMALL_BODY_BYTES + 1))
                .as("large bodies are still at their share")
                .isFalse();
    }

    @Test
    void aBudgetSmallerThanOneSmallBodyIsRefused() {
        assertThatThrownBy(() -> new BodyBudget(1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 65536");
    }
}
