package dev.ballast.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parser for the AWS shared-credentials INI format: {@code [name]} section lines, {@code key = value}
 * property lines, and whole-line comments starting with {@code #} or {@code ;}. Leading and trailing
 * whitespace is ignored everywhere; a section line may carry a trailing comment.
 *
 * @see <a href="https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html">Shared config and
 *      credentials files: format</a>
 */
final class CredentialFile {

    static final String ACCESS_KEY_ID = "aws_access_key_id";
    static final String SECRET_ACCESS_KEY = "aws_secret_access_key";
    static final String SESSION_TOKEN = "aws_session_token";
    /** Ballast's own profile property: {@code true} makes the key read-only (API and console), {@code false} is the default. */
    static final String READ_ONLY = "ballast_read_only";

    private CredentialFile() {}

    /** One {@code [name]} section and its properties, with the line it starts on. */
    private record Section(String name, int line, Map<String, String> properties) {}

    static List<Credential> parse(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses the lines of a credentials file.
     *
     * @param source name used in error messages (usually the file path)
     * @throws IllegalArgumentException "source:line: problem" on malformed content or no credentials
     */
    static List<Credential> parse(String source, List<String> lines) {
        List<Section> sections = sections(source, lines);
        List<Credential> credentials = new ArrayList<>();
        for (Section section : sections) {
            credential(source, section).ifPresent(credentials::add);
        }
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException(source + ": holds no credentials (expected a [profile] with "
                    + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + ")");
        }
        return credentials;
    }

    private static List<Section> sections(String source, List<String> lines) {
        List<Section> sections = new ArrayList<>();
        Map<String, Integer> firstLineByName = new HashMap<>();
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = stripBom(i, lines.get(i)).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                String name = sectionName(source, lineNo, line);
                Integer first = firstLineByName.putIfAbsent(name, lineNo);
                if (first != null) {
                    throw error(source, lineNo, "profile [" + name + "] is already defined on line " + first);
                }
                current = new Section(name, lineNo, new LinkedHashMap<>());
                sections.add(current);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(source, lineNo, "expected '[profile]' or 'key = value'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw error(source, lineNo, "property without a name");
            }
            if (current == null) {
                throw error(source, lineNo, "property '" + key + "' appears before any [profile] section");
            }
            if (current.properties().putIfAbsent(key, value) != null) {
                throw error(source, lineNo, "property '" + key + "' is repeated in profile [" + current.name() + "]");
            }
        }
        return sections;
    }

    private static String stripBom(int index, String line) {
        return index == 0 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String sectionName(String source, int lineNo, String line) {
        int close = line.indexOf(']');
        if (close < 0) {
            throw error(source, lineNo, "section header is missing ']'");
        }
        String rest = line.substring(close + 1).strip();
        if (!rest.isEmpty() && !rest.startsWith("#") && !rest.startsWith(";")) {
            throw error(source, lineNo, "unexpected text after section header: '" + rest + "'");
        }
        String name = line.substring(1, close).strip();
        if (name.isEmpty()) {
            throw error(source, lineNo, "section header has an empty profile name");
        }
        return name;
    }

    private static Optional<Credential> credential(String source, Section section) {
        Map<String, String> p = section.properties();
        String id = p.get(ACCESS_KEY_ID);
        String secret = p.get(SECRET_ACCESS_KEY);
        String token = p.get(SESSION_TOKEN);
        if (id == null && secret == null && token == null) {
            return Optional.empty();
        }
        String where = "profile [" + section.name() + "]";
        require(source, section, id, where + " has no " + ACCESS_KEY_ID);
        require(source, section, secret, where + " has no " + SECRET_ACCESS_KEY);
        if (token != null && token.isEmpty()) {
            throw error(source, section.line(), where + " has an empty " + SESSION_TOKEN);
        }
        String readOnly = p.getOrDefault(READ_ONLY, "false");
        if (!readOnly.equals("true") && !readOnly.equals("false")) {
            throw error(
                    source,
                    section.line(),
                    where + ": " + READ_ONLY + " must be true or false, not '" + readOnly + "'");
        }
        try {
            Credential credential = new Credential(id, secret, Optional.ofNullable(token));
            return Optional.of(readOnly.equals("true") ? credential.asReadOnly() : credential);
        } catch (IllegalArgumentException e) {
            throw error(source, section.line(), where + ": " + e.getMessage());
        }
    }

    private static void require(String source, Section section, String value, String problem) {
        if (value == null || value.isEmpty()) {
            throw error(source, section.line(), problem);
        }
    }

    private static IllegalArgumentException error(String source, int line, String problem) {
        return new IllegalArgumentException(source + ":" + line + ": " + problem);
    }
}
