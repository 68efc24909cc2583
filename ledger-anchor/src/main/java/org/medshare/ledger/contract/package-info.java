/**
 * The incentive contract: {@code IncentiveEscrow.sol} (src/main/solidity), compiled by solc-js 0.8.37
 * (EVM version shanghai) during the Maven build, executed on an embedded go-ethereum EVM
 * ({@code io.horizen:libevm}) behind {@link org.medshare.ledger.contract.IncentiveContract}.
 *
 * <p>Insurers' escrow is credited by the operator; {@code settle(queryId, hospitals[], recordCounts[])}
 * pays hospitals pro rata with the rounding rule of {@link org.medshare.ledger.contract.ProRataSplit}
 * (floor shares, remainder to the largest contributor, ties to the lowest address); a query id is paid
 * at most once. Every applied call is a {@link org.medshare.ledger.contract.ContractCall} with a canonical
 * encoding; replaying the history from deployment reproduces every balance and the EVM state root, which
 * is what the offline verifier does. Decoded events ({@link org.medshare.ledger.contract.EscrowEvent}) are
 * plain values for the service to mirror as PAYMENT ledger events.
 */
package org.medshare.ledger.contract;
