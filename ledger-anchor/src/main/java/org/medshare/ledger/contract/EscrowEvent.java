package org.medshare.ledger.contract;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A decoded event of {@code IncentiveEscrow.sol}: plain values, to be mirrored
 * as PAYMENT ledger events. Every amount is in the smallest currency unit;
 * prices are in 1/{@link ProRataSplit#PRICE_SCALE} units.
 */
public sealed interface EscrowEvent {

    /** The Solidity event signature, e.g. {@code "Deposited(address,uint256,uint256)"}. */
    String signature();

    /** The operator credited an insurer's escrow. */
    record Deposited(EvmAddress insurer, BigInteger amount, BigInteger escrowAfter) implements EscrowEvent {
        public static final String SIGNATURE = "Deposited(address,uint256,uint256)";

        public Deposited {
            Objects.requireNonNull(insurer);
            Objects.requireNonNull(amount);
            Objects.requireNonNull(escrowAfter);
        }

        @Override
        public String signature() {
            return SIGNATURE;
        }
    }

    /** An insurer paid {@code amount} for the {@code totalRecords} records query {@code queryId} used. */
    record Settled(QueryId queryId, EvmAddress insurer, BigInteger totalRecords, BigInteger amount)
            implements EscrowEvent {
        public static final String SIGNATURE = "Settled(bytes32,address,uint256,uint256)";

        public Settled {
            Objects.requireNonNull(queryId);
            Objects.requireNonNull(insurer);
            Objects.requireNonNull(totalRecords);
            Objects.requireNonNull(amount);
        }

        @Override
        public String signature() {
            return SIGNATURE;
        }
    }

    /** One hospital's share of a settlement. */
    record Paid(QueryId queryId, EvmAddress hospital, BigInteger recordCount, BigInteger amount)
            implements EscrowEvent {
        public static final String SIGNATURE = "Paid(bytes32,address,uint256,uint256)";

        public Paid {
            Objects.requireNonNull(queryId);
            Objects.requireNonNull(hospital);
            Objects.requireNonNull(recordCount);
            Objects.requireNonNull(amount);
        }

        @Override
        public String signature() {
            return SIGNATURE;
        }
    }

    /** A hospital withdrew earnings (paid out off-chain). */
    record Withdrawn(EvmAddress hospital, BigInteger amount, BigInteger balanceAfter) implements EscrowEvent {
        public static final String SIGNATURE = "Withdrawn(address,uint256,uint256)";

        public Withdrawn {
            Objects.requireNonNull(hospital);
            Objects.requireNonNull(amount);
            Objects.requireNonNull(balanceAfter);
        }

        @Override
        public String signature() {
            return SIGNATURE;
        }
    }

    /** An insurer took back unspent escrow. */
    record EscrowReclaimed(EvmAddress insurer, BigInteger amount, BigInteger escrowAfter) implements EscrowEvent {
        public static final String SIGNATURE = "EscrowReclaimed(address,uint256,uint256)";

        public EscrowReclaimed {
            Objects.requireNonNull(insurer);
            Objects.requireNonNull(amount);
            Objects.requireNonNull(escrowAfter);
        }

        @Override
        public String signature() {
            return SIGNATURE;
        }
    }

    /** The operator changed the price per record (also emitted once at deployment, from 0). */
    record PriceChanged(BigInteger oldPrice, BigInteger newPrice) implements EscrowEvent {
        public static final String SIGNATURE = "PriceChanged(uint256,uint256)";

        public PriceChanged {
            Objects.requireNonNull(oldPrice);
            Objects.requireNonNull(newPrice);
        }

        @Override
        public String signature() {
            return SIGNATURE;
        }
    }
}
