package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.CompareAndSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CasTest {
    /** One stored value with a version, as a store table keeps it; {@code racers} writes sneak in before ours. */
    private static final class Cell {
        String value = "a";
        long version = 1;
        int racers;
        final List<String> reads = new ArrayList<>();

        Optional<Versioned<String>> find() {
            reads.add(value);
            return Optional.of(new Versioned<>(value, version));
        }

        boolean write(Versioned<String> read, String changed) {
            if (racers > 0) {
                racers--;
                value = value + "'";
                version++;
            }
            if (read.version() != version) {
                return false;
            }
            value = changed;
            version++;
            return true;
        }
    }

    private final Cell cell = new Cell();

    @Test
    void writesTheChangedValueAndReturnsIt() {
        assertThat(Cas.update(cell::find, v -> Optional.of(v + "b"), cell::write, 3))
                .contains("ab");
        assertThat(cell.value).isEqualTo("ab");
        assertThat(cell.version).isEqualTo(2);
    }

    @Test
    void aLostRaceReadsAgainAndChangesTheFreshValue() {
        cell.racers = 2;
        assertThat(Cas.update(cell::find, v -> Optional.of(v + "b"), cell::write, 3))
                .contains("a''b");
        assertThat(cell.reads).containsExactly("a", "a'", "a''");
    }

    @Test
    void losingEveryRaceIsAConflictAndWritesNothingOfOurs() {
        cell.racers = 3;
        assertThatThrownBy(() -> Cas.update(cell::find, v -> Optional.of(v + "b"), cell::write, 3))
                .isInstanceOf(CompareAndSet.ConflictException.class)
                .hasMessageContaining("3 attempts");
        assertThat(cell.value).isEqualTo("a'''");
    }

    @Test
    void nothingToWriteAndNothingFoundAreEmpty() {
        assertThat(Cas.update(cell::find, v -> Optional.empty(), cell::write, 3))
                .isEmpty();
        assertThat(Cas.update(Optional::<Versioned<String>>empty, v -> Optional.of(v + "b"), cell::write, 3))
                .isEmpty();
        assertThat(cell.version).isEqualTo(1);
    }

    @Test
    void aChangeMayRefuse() {
        assertThatThrownBy(() -> Cas.update(
                        cell::find,
                        v -> {
                            throw new IllegalArgumentException("not ACTIVE");
                        },
                        cell::write,
                        3))
                .hasMessage("not ACTIVE");
    }
}
