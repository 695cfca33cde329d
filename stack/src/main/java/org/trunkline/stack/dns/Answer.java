package org.trunkline.stack.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.util.List;

/**
 * What one lookup of a name and type gave, as a value: records, or why there are none. Immutable.
 *
 * @param name the name asked for, normalized ({@link DnsNames#normalize})
 * @param type the record type asked for
 * @param status found, NXDOMAIN, no records of the type, or failed (timeout, SERVFAIL, garbage)
 * @param records the decoded records; empty unless {@link Status#FOUND}
 * @param detail why it failed, for {@link Status#FAILED}
 */
record Answer<T>(String name, DnsRecordType type, Status status, List<T> records, String detail) {

  enum Status {
    FOUND,
    NXDOMAIN,
    NO_RECORDS,
    FAILED
  }

  Answer {
    records = List.copyOf(records);
  }

  static <T> Answer<T> found(String name, DnsRecordType type, List<T> records) {
    return new Answer<>(name, type, Status.FOUND, records, "");
  }

  static <T> Answer<T> none(String name, DnsRecordType type, Status status, String detail) {
    return new Answer<>(name, type, status, List.of(), detail);
  }

  boolean found() {
    return status == Status.FOUND;
  }

  /**
   * NXDOMAIN or no records: the zone says there is nothing, so RFC 3263 goes on to the next step.
   */
  boolean absent() {
    return status == Status.NXDOMAIN || status == Status.NO_RECORDS;
  }

  /** {@code no SRV for _sip._udp.example.test: NXDOMAIN}. */
  String problem() {
    String why =
        switch (status) {
          case FOUND -> "found";
          case NXDOMAIN -> "NXDOMAIN";
          case NO_RECORDS -> "no records";
          case FAILED -> detail;
        };
    return "no " + type.name() + " for " + name + ": " + why;
  }
}
