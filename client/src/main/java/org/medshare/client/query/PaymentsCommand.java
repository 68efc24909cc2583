package org.medshare.client.query;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.login.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code medshare payments deposit --amount N} (insurer escrow for queries) and
 * {@code medshare payments balance [ORG]} (own balance; any organisation's for a regulator).
 */
@Command(
        name = "payments",
        mixinStandardHelpOptions = true,
        description = "Deposit query escrow (insurer) and show balances.",
        subcommands = {PaymentsCommand.Deposit.class, PaymentsCommand.Balance.class})
public final class PaymentsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: deposit or balance");
    }

    @Command(name = "deposit", mixinStandardHelpOptions = true, description = "Deposit escrow (insurer).")
    static final class Deposit implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SessionOptions session;

        @Option(
                names = "--amount",
                required = true,
                paramLabel = "N",
                description = "positive amount in contract units")
        BigInteger amount;

        @Override
        public Integer call() {
            if (amount.signum() <= 0) {
                throw CliFailure.usage("--amount must be positive");
            }
            byte[] body = Json.compact(Json.object().put("amount", amount)).getBytes(StandardCharsets.UTF_8);
            ServiceClient c = session.client();
            return QueryCommand.print(
                    spec, () -> c.postJson("/api/v1/payments/deposits", body).json());
        }
    }

    @Command(
            name = "balance",
            mixinStandardHelpOptions = true,
            description = "Your organisation's escrow and earnings, or ORG's (regulator).")
    static final class Balance implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SessionOptions session;

        @Parameters(index = "0", arity = "0..1", paramLabel = "ORG")
        String organisation;

        @Override
        public Integer call() {
            String path = "/api/v1/payments/balances/"
                    + (organisation == null ? "me" : Calls.id("organisation", organisation));
            ServiceClient c = session.client();
            return QueryCommand.print(spec, () -> c.getJson(path));
        }
    }
}
