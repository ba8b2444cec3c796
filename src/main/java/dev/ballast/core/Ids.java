package dev.ballast.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random identifiers in the shapes ECS uses (32-hex task ids, 19-digit deployment and revision ids). */
public final class Ids {
    private final SecureRandom random = new SecureRandom();

    /** 32 lowercase hex characters, as in task and container-instance ARNs. */
    public String hex32() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** 19 decimal digits, as in {@code ecs-svc/…} deployment ids and service revision ids. */
    public String digits19() {
        StringBuilder s = new StringBuilder(19);
        s.append(1 + random.nextInt(9));
        for (int i = 1; i < 19; i++) {
            s.append(random.nextInt(10));
        }
        return s.toString();
    }

    /** 22 URL-safe characters, as in service deployment ARNs. */
    public String id22() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder(22);
        for (int i = 0; i < 22; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
