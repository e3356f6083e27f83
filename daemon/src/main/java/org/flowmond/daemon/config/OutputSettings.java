package org.flowmond.daemon.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code flowmon.outputs.*}: local outputs besides IPFIX over UDP.
 *
 * @param tableFile {@code table-file} (-f): seed tables written at shutdown; empty = stdout when in the foreground
 * @param jsonFile  {@code json-file} (--json): JSON lines with nProbe field names
 * @param ipfixFile {@code ipfix-file}: RFC 5655 IPFIX file of the exported messages
 * @param kafka     {@code kafka}: records to a Kafka topic
 */
public record OutputSettings(Optional<Path> tableFile, Optional<Path> jsonFile, Optional<Path> ipfixFile,
                             KafkaSettings kafka) {

    /** Whether everything but the Kafka output is the same (a reload reopens only what changed). */
    public boolean sameFiles(OutputSettings other) {
        return tableFile.equals(other.tableFile) && jsonFile.equals(other.jsonFile) && ipfixFile.equals(other.ipfixFile);
    }
}
