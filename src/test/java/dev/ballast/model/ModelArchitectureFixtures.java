package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;

/** For {@code ArchitectureTest}'s self-test only: model classes within and beyond what model may use. */
public final class ModelArchitectureFixtures {
    private ModelArchitectureFixtures() {}

    /** Uses Jackson's databind, which model may not. */
    public static final class UsingDatabind {
        public String write(Object value) throws Exception {
            return new ObjectMapper().writeValueAsString(value);
        }
    }

    /** Uses only a Jackson annotation and the JDK, as model may. */
    public record UsingAnnotations(String wire) {
        @JsonValue
        public String wire() {
            return wire;
        }
    }
}
