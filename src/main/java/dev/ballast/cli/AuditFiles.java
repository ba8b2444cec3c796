package dev.ballast.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.Json;
import dev.ballast.core.ModelJson;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import dev.ballast.resolve.ImageRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The task definitions {@code ballast audit} reads from files: a RegisterTaskDefinition input
 * ({@code {"family": …, "containerDefinitions": [...]}}) or a DescribeTaskDefinition answer
 * ({@code {"taskDefinition": {...}}}); directories are searched recursively for {@code *.json}, in sorted order.
 */
final class AuditFiles {
    private static final Pattern CONTAINER_POINTER =
            Pattern.compile("(/taskDefinition)?/containerDefinitions/([0-9]+)");

    private AuditFiles() {}

    /**
     * One task definition read from a file.
     *
     * @param file the file, as named on the command line or found below a named directory
     * @param definition the task definition
     * @param lines the 1-based line of each container's object in the file, by container index
     */
    record TaskDefinitionFile(Path file, TaskDefinition definition, Map<Integer, Integer> lines) {}

    /** A file or directory that cannot be audited; the message names it. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /** The files named by {@code paths}: files as given, directories expanded to their {@code *.json}, sorted. */
    static List<Path> expand(List<Path> paths) throws BadInput {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> Files.isRegularFile(f)
                                    && f.getFileName().toString().endsWith(".json"))
                            .sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    throw new BadInput(p + ": cannot read the directory: " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new BadInput(p + ": no such file or directory");
            }
        }
        return out;
    }

    /** Reads one task definition file. */
    static TaskDefinitionFile read(Path file) throws BadInput {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read the file: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadInput(file + ": not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new BadInput(file + ": not a task definition: expected a JSON object");
        }
        JsonNode document = root.has("taskDefinition") ? root.get("taskDefinition") : root;
        if (!document.isObject() || !document.path("containerDefinitions").isArray()) {
            throw new BadInput(file + ": not a task definition: no containerDefinitions array (expected a "
                    + "RegisterTaskDefinition input or a DescribeTaskDefinition answer)");
        }
        TaskDefinition definition;
        try {
            definition = ModelJson.taskDefinition(document);
        } catch (IllegalArgumentException e) {
            throw new BadInput(file + ": not a task definition: " + e.getMessage());
        }
        if (definition.containers().isEmpty()) {
            throw new BadInput(file + ": not a task definition: containerDefinitions is empty");
        }
        for (ContainerDefinition c : definition.containers()) {
            if (c.image() == null || c.image().isBlank()) {
                throw new BadInput(file + ": container " + c.name() + " has no image");
            }
        }
        return new TaskDefinitionFile(file, definition, containerLines(text));
    }

    /**
     * The account image rules in {@code file}: a JSON list of {@code {"pattern": …, "mode": …}} ({@code --rules}).
     */
    static List<ImageRule> rules(Path file) throws BadInput {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new BadInput("--rules " + file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInput("--rules " + file + ": cannot read the file: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new BadInput("--rules " + file + ": expected a JSON list of {\"pattern\": …, \"mode\": …}");
        }
        List<ImageRule> rules = new ArrayList<>();
        for (JsonNode r : root) {
            if (!r.path("pattern").isTextual() || !r.path("mode").isTextual()) {
                throw new BadInput("--rules " + file + ": rule " + (rules.size() + 1)
                        + " needs a string \"pattern\" and a string \"mode\"");
            }
            try {
                rules.add(ImageRule.of(r.get("pattern").asText(), r.get("mode").asText()));
            } catch (IllegalArgumentException e) {
                throw new BadInput("--rules " + file + ": rule " + (rules.size() + 1) + ": " + e.getMessage());
            }
        }
        return rules;
    }

    /** The line on which each container definition's object starts, by index (for SARIF regions). */
    private static Map<Integer, Integer> containerLines(String text) {
        Map<Integer, Integer> lines = new HashMap<>();
        try (JsonParser p = Json.mapper().createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    Matcher m = CONTAINER_POINTER.matcher(
                            p.getParsingContext().pathAsPointer().toString());
                    if (m.matches()) {
                        lines.put(
                                Integer.parseInt(m.group(2)),
                                p.currentTokenLocation().getLineNr());
                    }
                }
            }
        } catch (IOException e) {
            // already parsed once: locations are a convenience, never a reason to fail
        }
        return lines;
    }
}
