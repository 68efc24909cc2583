package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleReaderTest {
    private static final BundleReader READER = BundleReader.shared();

    private static String refusal(String content) {
        return assertThrows(BundleFormatException.class, () -> READER.read(content.getBytes(StandardCharsets.UTF_8)))
                .getMessage();
    }

    @Test
    void readsXmlAndJsonBundlesOfAnyType() throws Exception {
        BundleReader.ReadBundle xml = READER.read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Bundle xmlns="http://hl7.org/fhir"><type value="batch"/>
              <entry><resource><Patient><id value="p"/><gender value="male"/></Patient></resource>
                <request><method value="POST"/><url value="Patient"/></request></entry></Bundle>
            """.getBytes(StandardCharsets.UTF_8));
        assertEquals(BundleReader.Format.XML, xml.format());
        assertEquals("batch", xml.bundle().getType().toCode());
        assertEquals(List.of(), xml.warnings());
        BundleReader.ReadBundle json = READER.read(
                "\uFEFF {\"resourceType\":\"Bundle\",\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(BundleReader.Format.JSON, json.format());
    }

    @Test
    void unknownElementsAndValuesOfTheWrongTypeAreWarningsNotRefusals() throws Exception {
        BundleReader.ReadBundle r = READER.read("""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient",
             "animal":{"species":{"text":"dog"}},"birthDate":"1980-13-45"}}]}""".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, r.warningCount(), r.warnings().toString());
        assertEquals(
                List.of(
                        "unknown element 'animal' ignored",
                        "invalid value '1980-13-45' (Invalid date/time format: \"1980-13-45\") in birthDate"),
                r.warnings());
    }

    @Test
    void whatIsNotABundleIsRefusedInWordsWithoutParserCodes() {
        assertEquals("the file is empty", refusal(""));
        assertEquals("the file is empty", refusal(" \n"));
        assertTrue(refusal("[{\"resourceType\":\"Bundle\"}]").startsWith("a JSON array, not a FHIR Bundle"));
        assertEquals("neither JSON nor XML: a FHIR Bundle is a JSON object or an XML document", refusal("hello"));
        assertEquals(
                "a FHIR Patient resource, not a Bundle: put it in a Bundle (e.g. of type collection) to upload it",
                refusal("{\"resourceType\":\"Patient\"}"));
        String truncated = refusal("{\"resourceType\":\"Bundle\",\"type\":");
        assertTrue(truncated.startsWith("not a FHIR R4 JSON resource: "), truncated);
        String noType = refusal("{\"a\":1}");
        assertTrue(!noType.contains("HAPI-") && noType.startsWith("not a FHIR R4 JSON resource: "), noType);
        assertTrue(!refusal("<html><body/></html>").contains("HAPI-"));
    }
}
