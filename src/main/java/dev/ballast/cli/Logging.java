package dev.ballast.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Routes java.util.logging (used by Helidon) into SLF4J so all logs share one format and level. */
final class Logging {
    private Logging() {}

    static void init() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
    }
}
