package dev.ballast.deploy;

import dev.ballast.testing.ServerProcess;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Server replicas on one PostgreSQL store for the fault tests, and reads of what they left in the store. */
final class Replicas {
    private Replicas() {}

    /**
     * Starts {@code ballast server} on {@code store} as node {@code node} with {@code instances} simulated container
     * instances (0: a controller-only replica whose death kills no task) and controller lease {@code lease}.
     */
    static ServerProcess start(String store, String node, int instances, String lease) throws Exception {
        return ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                Files.createTempDirectory("ballast-replica-").toString(),
                "--store",
                store,
                "--node-name",
                node,
                "--simulated-instances",
                Integer.toString(instances),
                "--controller-lease",
                lease,
                "--runtime",
                "simulated");
    }

    static int shards(ServerProcess server) {
        return (int) server.metric("ballast_controller_shards");
    }

    /** A service's ARN as Ballast forms it (the cluster's ARN with {@code cluster/} → {@code service/}, then the name). */
    static String serviceArn(String clusterArn, String name) {
        return clusterArn.replace(":cluster/", ":service/") + "/" + name;
    }

    /** The shards held by the replica whose holder id starts with {@code prefix} (its node name and a slash). */
    static Set<Integer> shardsOf(String store, String prefix) throws SQLException {
        Set<Integer> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection(store);
                PreparedStatement q = c.prepareStatement("SELECT shard FROM shard_leases WHERE holder LIKE ?")) {
            q.setString(1, prefix + "%");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }

    /** How many task rows each deployment of service {@code serviceArn} has (every status, as stored). */
    static Map<String, Integer> tasksPerDeployment(String store, String serviceArn) {
        return counts(
                store,
                "SELECT deployment_id, count(*) FROM tasks WHERE service_arn = ? GROUP BY deployment_id",
                serviceArn);
    }

    /** How many deployments service {@code serviceArn} has had. */
    static int deployments(String store, String serviceArn) {
        return counts(
                        store,
                        "SELECT service_arn, count(*) FROM deployments WHERE service_arn = ? GROUP BY service_arn",
                        serviceArn)
                .getOrDefault(serviceArn, 0);
    }

    /**
     * How many image resolutions were recorded for service {@code serviceArn}: its events saying an image was resolved
     * to a digest or verified (written by the reconciler that stored the revision's resolution record, once it did).
     */
    static int resolutionEvents(String store, String serviceArn) {
        return counts(
                        store,
                        "SELECT service_arn, count(*) FROM service_events WHERE service_arn = ?"
                                + " AND (message LIKE '% resolved image %' OR message LIKE '% verified image %')"
                                + " GROUP BY service_arn",
                        serviceArn)
                .getOrDefault(serviceArn, 0);
    }

    private static Map<String, Integer> counts(String store, String sql, String arg) {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(store);
                PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, arg);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("read the store: " + sql + ": " + e, e);
        }
        return out;
    }
}
