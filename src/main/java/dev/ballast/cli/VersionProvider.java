package dev.ballast.cli;

import picocli.CommandLine;

/** Reports the build version ({@link Version#current()}). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"ballast " + Version.current()};
    }
}
