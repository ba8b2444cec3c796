package dev.ballast.cli;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Routes java.util.logging (used by Helidon) into SLF4J so all logs share one format and level. */
final class Logging {
    private Logging() {}

    static void init() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
            Logger.getLogger("").setLevel(Level.WARNING);
        }
    }
}
