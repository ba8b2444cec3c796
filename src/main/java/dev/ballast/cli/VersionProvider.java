package dev.ballast.cli;

import picocli.CommandLine;

/** Reports the build version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"ballast " + (v == null ? "dev" : v)};
    }
}
