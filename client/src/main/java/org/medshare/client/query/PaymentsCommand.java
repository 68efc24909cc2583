package org.medshare.client.query;

import java.math.BigInteger;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.login.ServiceCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
    static final class Deposit extends ServiceCommand {
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
            return printJson(
                    c -> c.postJson("/api/v1/payments/deposits", Json.object().put("amount", amount)));
        }
    }

    @Command(
            name = "balance",
            mixinStandardHelpOptions = true,
            description = "Your organisation's escrow and earnings, or ORG's (regulator).")
    static final class Balance extends ServiceCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ORG")
        String organisation;

        @Override
        public Integer call() {
            String path = "/api/v1/payments/balances/"
                    + (organisation == null ? "me" : Calls.id("organisation", organisation));
            return printJson(c -> c.getJson(path));
        }
    }
}
