package dev.ballast.cli;

/** The build version from the jar manifest ("dev" when run from classes). */
final class Version {
    private Version() {}

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
