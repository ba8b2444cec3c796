package dev.ballast.console;

import dev.ballast.api.EcsApi;
import dev.ballast.api.Operation;
import dev.ballast.core.Account;
import dev.ballast.store.Store;
import java.time.Clock;
import java.util.Map;

/**
 * What the console's pages read and act through.
 *
 * @param store the store, read through its typed rows
 * @param account ARNs
 * @param clock "since" and "ago" on the pages
 * @param sessions sign-in and session cookies
 * @param operations the API's operations by name: actions call the same code a signed API request would (the same
 *     checks, events and errors), with the signed-in access key as the caller
 * @param workers what the API hands work to
 */
public record ConsoleContext(
        Store store,
        Account account,
        Clock clock,
        Sessions sessions,
        Map<String, Operation> operations,
        EcsApi.Workers workers) {}
