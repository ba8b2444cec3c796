package dev.ballast.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build version: the jar manifest's {@code Implementation-Version}, else the Maven-filtered
 * {@code version.properties} beside this class (the container image runs from classes), else "dev".
 */
final class Version {
    private Version() {}

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : fromResource();
    }

    private static String fromResource() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            return v.isEmpty() || v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
