package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.model.Mode;
import dev.ballast.resolve.PolicyLoader;
import dev.ballast.store.AccountSettings;
import dev.ballast.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * PutAccountSetting, PutAccountSettingDefault, ListAccountSettings, DeleteAccountSetting. Besides ECS's
 * setting names, {@code versionConsistency} is the account-wide default of Ballast's version-consistency
 * policy, in the policy's one vocabulary ({@link Mode#VALUES}: {@code enabled}/{@code consistent} strict,
 * {@code best-effort}, {@code disabled}; {@code best-effort} when unset). Settings without a principal belong to the account root, which every
 * caller acts as.
 */
final class AccountSettingOperations {
    /** Setting name → (accepted values, the value in effect when nothing is set). Insertion-ordered. */
    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    private record Rule(List<String> accepted, String dflt) {}

    static {
        List<String> onOff = List.of("enabled", "disabled");
        RULES.put("awsvpcTrunking", new Rule(onOff, "disabled"));
        RULES.put("containerInsights", new Rule(List.of("enabled", "disabled", "enhanced"), "disabled"));
        RULES.put("containerInstanceLongArnFormat", new Rule(onOff, "enabled"));
        RULES.put("defaultLogDriverMode", new Rule(List.of("blocking", "non-blocking"), "non-blocking"));
        RULES.put("fargateEventWindows", new Rule(onOff, "disabled"));
        RULES.put("fargateFIPSMode", new Rule(onOff, "disabled"));
        RULES.put("fargateTaskRetirementWaitPeriod", new Rule(List.of("0", "7", "14"), "7"));
        RULES.put("guardDutyActivate", new Rule(List.of("on", "off"), "off"));
        RULES.put("serviceLongArnFormat", new Rule(onOff, "enabled"));
        RULES.put("tagResourceAuthorization", new Rule(List.of("on", "off"), "on"));
        RULES.put("taskLongArnFormat", new Rule(onOff, "enabled"));
        RULES.put(PolicyLoader.SETTING, new Rule(Mode.VALUES, Mode.BEST_EFFORT.wire()));
    }

    private static final Pattern PRINCIPAL =
            Pattern.compile("arn:aws:iam::(\\d{12}):(root|(user|role)/[\\w+=,.@/-]{1,512})");

    private final Store store;
    private final Account account;

    AccountSettingOperations(Store store, Account account) {
        this.store = store;
        this.account = account;
    }

    void register(Map<String, Operation> ops) {
        ops.put("PutAccountSetting", (in, call) -> put(in, principal(in)));
        ops.put("PutAccountSettingDefault", (in, call) -> put(in, account.rootPrincipalArn()));
        ops.put("ListAccountSettings", (in, call) -> list(in));
        ops.put("DeleteAccountSetting", (in, call) -> delete(in));
    }

    private JsonNode put(ObjectNode in, String principal) {
        String name = name(Params.required(in, "name"));
        String value = Params.required(in, "value");
        Rule rule = RULES.get(name);
        if (!rule.accepted().contains(value)) {
            throw AwsException.invalidParameter(
                    "Invalid value '" + ShapeValidator.clip(value) + "' for account setting '"
                            + name + "'. "
                            + (name.equals(PolicyLoader.SETTING)
                                    ? Mode.accepted()
                                    : "Accepted values: " + String.join(", ", rule.accepted()) + "."));
        }
        Unserved.check("PutAccountSetting", in);
        store.accountSettings().put(new AccountSettings.Setting(name, principal, value));
        return Json.object().set("setting", setting(name, value, principal, "user"));
    }

    private JsonNode list(ObjectNode in) {
        String principal = principal(in);
        String nameFilter = Params.string(in, "name") == null ? null : name(Params.string(in, "name"));
        String valueFilter = Params.string(in, "value");
        boolean effective = Params.bool(in, "effectiveSettings");
        int max = Pagination.maxResults(in, 10, 10);
        JsonNode after = Pagination.after(in, "ListAccountSettings");
        int from = after == null ? 0 : index(after);

        List<AccountSettings.Setting> stored = store.accountSettings().all();
        List<ObjectNode> all = new ArrayList<>();
        for (String name : RULES.keySet()) {
            if (nameFilter != null && !nameFilter.equals(name)) {
                continue;
            }
            Optional<AccountSettings.Setting> own = find(stored, name, principal);
            Optional<AccountSettings.Setting> root = find(stored, name, account.rootPrincipalArn());
            ObjectNode s;
            if (own.isPresent()) {
                s = setting(name, own.get().value(), principal, "user");
            } else if (effective && root.isPresent()) {
                s = setting(name, root.get().value(), root.get().principalArn(), "user");
            } else if (effective) {
                s = setting(name, RULES.get(name).dflt(), principal, "aws_managed");
            } else {
                continue;
            }
            if (valueFilter == null || valueFilter.equals(s.path("value").asText())) {
                all.add(s);
            }
        }
        ArrayNode page = Json.mapper().createArrayNode();
        all.stream().skip(from).limit(max).forEach(page::add);
        ObjectNode out = Json.object();
        out.set("settings", page);
        if ((long) from + max < all.size()) {
            out.put(
                    "nextToken",
                    Pagination.token("ListAccountSettings", Json.object().put("index", from + max)));
        }
        return out;
    }

    private JsonNode delete(ObjectNode in) {
        String name = name(Params.required(in, "name"));
        String principal = principal(in);
        Optional<AccountSettings.Setting> removed = store.accountSettings().delete(name, principal);
        ObjectNode s = removed.map(r -> setting(name, r.value(), principal, "user"))
                .orElseGet(() -> setting(name, RULES.get(name).dflt(), principal, "aws_managed"));
        return Json.object().set("setting", s);
    }

    /** The position a ListAccountSettings token holds; a token naming no position is refused like any foreign one. */
    private static int index(JsonNode after) {
        JsonNode index = after.path("index");
        if (!index.isIntegralNumber() || !index.canConvertToInt() || index.asInt() < 0) {
            throw AwsException.invalidParameter("Invalid 'nextToken': it was not issued by ListAccountSettings.");
        }
        return index.asInt();
    }

    private static Optional<AccountSettings.Setting> find(
            List<AccountSettings.Setting> all, String name, String principal) {
        return all.stream()
                .filter(s -> s.name().equals(name) && s.principalArn().equals(principal))
                .findFirst();
    }

    private static String name(String name) {
        if (!RULES.containsKey(name)) {
            throw AwsException.invalidParameter("Invalid account setting name '" + ShapeValidator.clip(name)
                    + "'. Accepted names: " + String.join(", ", RULES.keySet()) + ".");
        }
        return name;
    }

    private String principal(ObjectNode in) {
        String p = Params.string(in, "principalArn");
        if (p == null) {
            return account.rootPrincipalArn();
        }
        var m = PRINCIPAL.matcher(p);
        if (!m.matches() || !m.group(1).equals(account.accountId())) {
            throw AwsException.invalidParameter("Invalid 'principalArn' '" + ShapeValidator.clip(p)
                    + "': expected arn:aws:iam::" + account.accountId() + ":root, :user/NAME or :role/NAME.");
        }
        return p;
    }

    private static ObjectNode setting(String name, String value, String principal, String type) {
        return Json.object()
                .put("name", name)
                .put("value", value)
                .put("principalArn", principal)
                .put("type", type);
    }
}
