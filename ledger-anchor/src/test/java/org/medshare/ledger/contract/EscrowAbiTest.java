package org.medshare.ledger.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/** Our small ABI encoder against web3j's (an independent implementation) and the compiler's ABI. */
class EscrowAbiTest {
    static final EvmAddress A = EvmAddress.parse("0x00000000000000000000000000000000000000a1");
    static final EvmAddress B = EvmAddress.parse("0xFFEEDDCCBBAA99887766554433221100ffeeddcc");

    @Test
    void settleCalldataMatchesWeb3j() {
        QueryId q = QueryId.forReference("abi");
        byte[] ours = EscrowAbi.settle(q, List.of(A, B), List.of(BigInteger.valueOf(7), BigInteger.TEN.pow(30)));
        String web3j = FunctionEncoder.encode(new Function(
                "settle",
                List.of(
                        new Bytes32(q.toBytes()),
                        new DynamicArray<>(Address.class, new Address(A.toString()), new Address(B.toString())),
                        new DynamicArray<>(Uint256.class, new Uint256(7), new Uint256(BigInteger.TEN.pow(30)))),
                List.of()));
        assertEquals(web3j, "0x" + HexFormat.of().formatHex(ours));
    }

    @Test
    void staticCalldataMatchesWeb3j() {
        assertEquals(
                FunctionEncoder.encode(new Function(
                        "deposit", List.of(new Address(B.toString()), new Uint256(123_456_789)), List.of())),
                "0x" + HexFormat.of().formatHex(EscrowAbi.deposit(B, BigInteger.valueOf(123_456_789))));
        assertEquals(
                FunctionEncoder.encode(new Function("withdraw", List.of(new Uint256(5)), List.of())),
                "0x" + HexFormat.of().formatHex(EscrowAbi.withdraw(BigInteger.valueOf(5))));
    }

    @Test
    void eventTopicsMatchWeb3j() {
        Event paid = new Event(
                "Paid",
                List.of(
                        new TypeReference<Bytes32>(true) {},
                        new TypeReference<Address>(true) {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Uint256>() {}));
        assertEquals(
                EventEncoder.encode(paid), "0x" + HexFormat.of().formatHex(Abi.eventTopic(EscrowEvent.Paid.SIGNATURE)));
    }

    @Test
    void everySignatureWeUseIsInTheCompiledAbi() throws Exception {
        JsonNode abi;
        try (InputStream in =
                getClass().getResourceAsStream("/org/medshare/ledger/contract/IncentiveEscrow.abi.json")) {
            abi = new ObjectMapper().readTree(in);
        }
        Set<String> compiled = new HashSet<>();
        for (JsonNode entry : abi) {
            if (!entry.has("name")) {
                continue;
            }
            List<String> types = new ArrayList<>();
            entry.get("inputs").forEach(i -> types.add(i.get("type").asText()));
            compiled.add(entry.get("type").asText() + " " + entry.get("name").asText() + "(" + String.join(",", types)
                    + ")");
        }
        for (String f : List.of(
                EscrowAbi.DEPOSIT,
                EscrowAbi.SET_PRICE,
                EscrowAbi.SETTLE,
                EscrowAbi.WITHDRAW,
                EscrowAbi.RECLAIM,
                EscrowAbi.ESCROW_OF,
                EscrowAbi.BALANCE_OF,
                EscrowAbi.SETTLED,
                EscrowAbi.PRICE,
                EscrowAbi.OPERATOR)) {
            assertTrue(compiled.contains("function " + f), f);
        }
        for (String e : List.of(
                EscrowEvent.Deposited.SIGNATURE,
                EscrowEvent.Settled.SIGNATURE,
                EscrowEvent.Paid.SIGNATURE,
                EscrowEvent.Withdrawn.SIGNATURE,
                EscrowEvent.EscrowReclaimed.SIGNATURE,
                EscrowEvent.PriceChanged.SIGNATURE)) {
            assertTrue(compiled.contains("event " + e), e);
        }
        for (RevertReason r : RevertReason.values()) {
            if (r != RevertReason.EXECUTION_FAILED && r != RevertReason.PANIC) {
                assertTrue(compiled.contains("error " + r.signature()), r.signature());
            }
        }
    }

    @Test
    void uint256RefusesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Abi.uint256(BigInteger.ONE.negate()));
        assertThrows(IllegalArgumentException.class, () -> Abi.uint256(BigInteger.ONE.shiftLeft(256)));
        byte[] max = Abi.uint256(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE));
        for (byte b : max) {
            assertEquals((byte) 0xff, b);
        }
    }

    @Test
    void contractCallRoundTripsAndRefusesMutations() {
        ContractCall call = ContractCall.of(ContractCall.Kind.CALL, A, EscrowAbi.withdraw(BigInteger.TWO));
        byte[] wire = call.toBytes();
        assertEquals(call, ContractCall.parse(wire));
        assertArrayEquals(wire, ContractCall.parse(wire).toBytes());

        byte[] version = wire.clone();
        version[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> ContractCall.parse(version), "unknown-version");
        byte[] kind = wire.clone();
        kind[1] = 7;
        assertThrows(IllegalArgumentException.class, () -> ContractCall.parse(kind), "unknown-kind");
        byte[] trailing = Arrays.copyOf(wire, wire.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ContractCall.parse(trailing), "trailing-garbage");
        byte[] truncated = Arrays.copyOf(wire, wire.length - 1);
        assertThrows(IllegalArgumentException.class, () -> ContractCall.parse(truncated), "truncated-input");
        assertThrows(IllegalArgumentException.class, () -> ContractCall.parse(new byte[5]), "short-header");
    }

    @Test
    void addressesParseAndOrderAsUnsignedIntegers() {
        assertEquals("0xffeeddccbbaa99887766554433221100ffeeddcc", B.toString());
        assertTrue(A.compareTo(B) < 0);
        assertThrows(IllegalArgumentException.class, () -> EvmAddress.parse("0x1234"));
        assertThrows(IllegalArgumentException.class, () -> EvmAddress.parse("zz" + "00".repeat(19)));
        assertThrows(IllegalArgumentException.class, () -> EvmAddress.of(new byte[21]));
        assertThrows(IllegalArgumentException.class, () -> QueryId.of(new byte[31]));
    }
}
