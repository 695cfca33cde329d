package org.trunkline.core.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunkMode;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;
import org.trunkline.stack.transaction.Peer;

/** RFC 3261 §10.3 on a clock the test moves. */
class RegistrarTest {
  private long now = 1_000_000;
  private final InstantSource clock = () -> Instant.ofEpochMilli(now);
  private final List<String> stored = new ArrayList<>();
  private final LocationStore store =
      new LocationStore() {
        @Override
        public List<Binding> loadAll() {
          return List.of();
        }

        @Override
        public void save(Binding b) {
          stored.add("save " + b.contact() + " " + b.expiresAt());
        }

        @Override
        public void remove(String trunk, String contact) {
          stored.add("remove " + contact);
        }
      };
  private final Registrar registrar = new Registrar(clock, store);
  private final Trunk acme =
      new Trunk(
          "acme",
          TrunkMode.REGISTER_IN,
          new TrunkAccess.RegisterIn("acme", "s3cret", "trunkline", 2, 60, 3600),
          Optional.empty(),
          Optional.empty(),
          0,
          0,
          List.of());
  private final Peer pbx =
      new Peer(Transport.UDP, new InetSocketAddress("192.0.2.7", 5070), "public");
  private int cseq = 1;

  private Registrar.Reply register(String... headers) {
    return register(pbx, "call-1", headers);
  }

  private Registrar.Reply register(Peer from, String callId, String... headers) {
    return register(acme, from, callId, headers);
  }

  private Registrar.Reply register(Trunk trunk, Peer from, String callId, String... headers) {
    StringBuilder sb =
        new StringBuilder(
            "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-"
                + cseq
                + "\r\nMax-Forwards: 70\r\nFrom: <sip:acme@192.0.2.1>;tag=a\r\n"
                + "To: <sip:acme@192.0.2.1>\r\nCall-ID: "
                + callId
                + "\r\nCSeq: "
                + cseq++
                + " REGISTER\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: 0\r\n\r\n");
    SipMessage m = new SipParser().parseDatagram(sb.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(m.isOk()).as("test message %s", m).isTrue();
    return registrar.register(trunk, m, from);
  }

  private static Trunk registerIn(String name, int maxContacts) {
    return new Trunk(
        name,
        TrunkMode.REGISTER_IN,
        new TrunkAccess.RegisterIn(name, "s3cret", "trunkline", maxContacts, 60, 3600),
        Optional.empty(),
        Optional.empty(),
        0,
        0,
        List.of());
  }

  @Test
  void aFillLogsAtMostTwentyRegisteredLinesASecondAndCountsTheRest() {
    Logger log = (Logger) LoggerFactory.getLogger(Registrar.class);
    Level before = log.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    log.setLevel(Level.INFO);
    log.setAdditive(false); // only to the list: the test's console stays at warnings
    try {
      for (int i = 0; i < 25; i++) {
        Trunk t = registerIn("pbx" + i, 1);
        assertThat(register(t, pbx, "fill-" + i, "Contact: <sip:pbx" + i + "@10.0.0.5>").status())
            .isEqualTo(200);
      }
      assertThat(registered(appender)).hasSize(Registrar.REGISTERED_LINES_PER_SECOND);
      assertThat(registered(appender).get(0))
          .isEqualTo(
              "trunk pbx0: contact sip:pbx0@10.0.0.5 registered from udp:192.0.2.7:5070"
                  + " for 3600 s");
      now += 1000;
      registrar.expire(); // the next second: the 5 over the budget are counted
      assertThat(appender.list.get(appender.list.size() - 1).getFormattedMessage())
          .isEqualTo(
              "5 more contacts registered in second 1970-01-01T00:16:40Z (at most 20 such"
                  + " lines a second; all at DEBUG)");
      registrar.expire();
      assertThat(appender.list).hasSize(Registrar.REGISTERED_LINES_PER_SECOND + 1);
      register(registerIn("late", 1), pbx, "late", "Contact: <sip:late@10.0.0.5>");
      assertThat(registered(appender)).hasSize(Registrar.REGISTERED_LINES_PER_SECOND + 1);
      // every binding was made and stored, logged or not
      assertThat(stored).hasSize(26);
    } finally {
      log.detachAppender(appender);
      log.setLevel(before);
      log.setAdditive(true);
    }
  }

  private static List<String> registered(ListAppender<ILoggingEvent> appender) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(" registered from "))
        .toList();
  }

  @Test
  void bindsAContactWithItsExpiryAndSource() {
    Registrar.Reply r = register("Contact: <sip:acme@10.0.0.5:5070>", "Expires: 300");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).contains("Contact: <sip:acme@10.0.0.5:5070>;expires=300");
    assertThat(r.headers())
        .anyMatch(h -> h.matches("Date: \\w{3}, \\d{2} \\w{3} \\d{4} [0-9:]{8} GMT"));
    Binding b = registrar.bindings("acme").get(0);
    assertThat(b.source()).isEqualTo(pbx.address());
    assertThat(b.listenPoint()).isEqualTo("public");
    assertThat(registrar.trunkRegisteredFrom(pbx.address())).contains("acme");
    assertThat(stored).containsExactly("save sip:acme@10.0.0.5:5070 " + (1_000_000 + 300_000));
  }

  @Test
  void bindingsWithTheSameUserAgentShareOneString() {
    register("Contact: <sip:acme@10.0.0.5:5070>", "User-Agent: " + new String("PBX 1.0"));
    register("Contact: <sip:acme@10.0.0.6:5070>", "User-Agent: " + new String("PBX 1.0"));
    List<Binding> bs = registrar.bindings("acme");
    assertThat(bs).hasSize(2);
    assertThat(bs.get(0).userAgent()).isEqualTo("PBX 1.0").isSameAs(bs.get(1).userAgent());
  }

  @Test
  void aRefreshFromTheSameDeviceKeepsItsUserAgentAndAChangedOneIsTaken() {
    register("Contact: <sip:acme@10.0.0.5:5070>", "User-Agent: " + new String("PBX 1.0"));
    String first = registrar.bindings("acme").get(0).userAgent();
    register("Contact: <sip:acme@10.0.0.5:5070>", "User-Agent:  PBX 1.0 ");
    assertThat(registrar.bindings("acme").get(0).userAgent()).isSameAs(first);
    register("Contact: <sip:acme@10.0.0.5:5070>", "User-Agent: PBX 1.01");
    assertThat(registrar.bindings("acme").get(0).userAgent()).isEqualTo("PBX 1.01");
    register("Contact: <sip:acme@10.0.0.5:5070>", "User-Agent: PBX \u00e9");
    assertThat(registrar.bindings("acme").get(0).userAgent()).isEqualTo("PBX \u00e9");
    register("Contact: <sip:acme@10.0.0.5:5070>", "User-Agent: PBX\r\n \u00e9");
    assertThat(registrar.bindings("acme").get(0).userAgent()).isEqualTo("PBX \u00e9");
    register("Contact: <sip:acme@10.0.0.5:5070>");
    assertThat(registrar.bindings("acme").get(0).userAgent()).isEmpty();
  }

  @Test
  void theExpiresHeaderIsReadAsItsTextWouldBe() {
    String[][] cases = {
      {"300", "300"},
      {"  450  ", "450"},
      {"0120", "120"},
      {"+300", "300"},
      {"abc", "3600"},
      {"12a", "3600"},
      {"", "3600"},
      {"99999999999999999999", "3600"},
      {"123456789012345678", "3600"},
      {"1234567890123", "3600"},
      {"61\r\n ", "61"},
    };
    for (String[] c : cases) {
      Registrar.Reply r = register("Contact: <sip:acme@10.0.0.5>", "Expires:" + c[0]);
      assertThat(r.headers()).as(c[0]).contains("Contact: <sip:acme@10.0.0.5>;expires=" + c[1]);
    }
    assertThat(register("Contact: <sip:acme@10.0.0.5>", "Expires: 059").status()).isEqualTo(423);
  }

  @Test
  void expiresWhenItsTimeIsUp() {
    register("Contact: <sip:acme@10.0.0.5:5070>;expires=120");

    now += 119_000;
    assertThat(registrar.bindings("acme")).hasSize(1);
    now += 1_000;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(registrar.bindings("acme")).isEmpty();
    assertThat(registrar.trunkRegisteredFrom(pbx.address())).isEmpty();
  }

  /** The sweep finds a lapsed binding behind a live one, and a sweep with none changes nothing. */
  @Test
  void theSweepDropsOnlyWhatLapsedWhereverItIsInTheList() {
    register("Contact: <sip:acme@10.0.0.5:5070>;expires=600");
    register("Contact: <sip:acme@10.0.0.6:5070>;expires=120");
    stored.clear();

    now += 119_000;
    assertThat(registrar.expire()).isZero();
    assertThat(stored).isEmpty();
    now += 1_000;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(stored).containsExactly("remove sip:acme@10.0.0.6:5070");
    assertThat(registrar.bindings("acme"))
        .extracting(Binding::contact)
        .containsExactly("sip:acme@10.0.0.5:5070");
  }

  /**
   * A refresh leaves the sweep's entry where it is: the sweep looks when the first lapse was due,
   * finds the binding refreshed, and looks again at its new lapse, where it goes.
   */
  @Test
  void refreshesDoNotGrowTheSweepIndexAndTheLastOneLapsesOnTime() {
    long first = now;
    register("Contact: <sip:acme@10.0.0.5:5070>", "Expires: 600");
    long lapses = 0;
    for (int i = 0; i < 100; i++) { // 500 s of refreshes, all before the first lapse
      now += 5_000;
      register("Contact: <sip:acme@10.0.0.5:5070>", "Expires: 600");
      lapses = now + 600_000;
      assertThat(registrar.expire()).isZero();
    }
    assertThat(registrar.expiryEntries()).isEqualTo(1);

    now = first + 600_000; // the first REGISTER's lapse: refreshed since
    assertThat(registrar.expire()).isZero();
    assertThat(registrar.bindings("acme")).hasSize(1);
    assertThat(registrar.expiryEntries()).as("filed again under the new lapse").isEqualTo(1);
    now = lapses - 1;
    assertThat(registrar.expire()).isZero();
    now = lapses;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(registrar.expiryEntries()).isZero();
    assertThat(registrar.unbound("acme"))
        .contains(
            new Registrar.Unbound(
                Instant.ofEpochMilli(lapses),
                "contact sip:acme@10.0.0.5:5070 expired (not refreshed)"));
  }

  /** A refresh that shortens the lifetime lapses at its new, earlier time. */
  @Test
  void aShorterRefreshLapsesAtItsOwnTime() {
    register("Contact: <sip:acme@10.0.0.5:5070>", "Expires: 3600");
    now += 500; // off the second: the sweep still drops it exactly when it is due
    register("Contact: <sip:acme@10.0.0.5:5070>", "Expires: 120");

    now += 119_999;
    assertThat(registrar.expire()).isZero();
    now += 1;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(registrar.bindings("acme")).isEmpty();
    now += 3_600_000; // the first, longer lapse's stale entry comes and finds nothing
    assertThat(registrar.expire()).isZero();
    assertThat(registrar.expiryEntries()).isZero();
  }

  /** A trunk forgotten by a reload and configured again is swept by its new bindings. */
  @Test
  void aTrunkReconfiguredAwayAndBackIsSweptByItsNewBindings() {
    register("Contact: <sip:acme@10.0.0.5:5070>", "Expires: 120");
    registrar.retain(name -> Optional.empty());
    assertThat(registrar.bindings("acme")).isEmpty();
    register("Contact: <sip:acme@10.0.0.6:5070>", "Expires: 600");

    now += 120_000;
    assertThat(registrar.expire()).isZero();
    assertThat(registrar.bindings("acme")).hasSize(1);
    now += 480_000;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(registrar.bindings("acme")).isEmpty();
  }

  /** A 500 for a later contact of the same REGISTER still leaves the earlier one swept. */
  @Test
  void aContactBoundBeforeAnOutOfOrderOneIsStillSwept() {
    register("Contact: <sip:acme@10.0.0.1>", "Expires: 300");
    cseq = 1; // same Call-ID, old CSeq: 10.0.0.2 binds, then 10.0.0.1 is out of order
    assertThat(
            register("Contact: <sip:acme@10.0.0.2>, <sip:acme@10.0.0.1>", "Expires: 60").status())
        .isEqualTo(500);
    assertThat(registrar.bindings("acme")).hasSize(2);

    now += 60_000;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(registrar.bindings("acme"))
        .extracting(Binding::contact)
        .containsExactly("sip:acme@10.0.0.1");
  }

  /**
   * Seeded runs against a model that keeps every binding and drops whatever lapsed at each sweep:
   * registrations, refreshes (longer and shorter), removals and replacements over 40 trunks, time
   * moving in uneven steps; every sweep drops exactly what the model does, and what is left agrees.
   */
  @Test
  void theSweepDropsWhatAModelOfEveryBindingDrops() {
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      Registrar reg = new Registrar(clock, LocationStore.NONE);
      List<Trunk> trunks = new ArrayList<>();
      Map<String, LinkedHashMap<String, Long>> model = new HashMap<>();
      for (int t = 0; t < 40; t++) {
        Trunk trunk = registerIn("t" + t, 2);
        trunks.add(trunk);
        model.put(trunk.name(), new LinkedHashMap<>());
      }
      int dropped = 0;
      for (int step = 0; step < 3_000; step++) {
        now += r.nextInt(4) == 0 ? r.nextInt(120_000) : r.nextInt(3_000);
        if (r.nextInt(5) == 0) {
          int expected = 0;
          for (LinkedHashMap<String, Long> contacts : model.values()) {
            int before = contacts.size();
            contacts.values().removeIf(at -> at <= now);
            expected += before - contacts.size();
          }
          assertThat(reg.expire()).as("seed %d step %d", seed, step).isEqualTo(expected);
          dropped += expected;
          continue;
        }
        Trunk trunk = trunks.get(r.nextInt(trunks.size()));
        LinkedHashMap<String, Long> contacts = model.get(trunk.name());
        contacts.values().removeIf(at -> at <= now); // the REGISTER purges its trunk first
        String uri = "sip:" + trunk.name() + "@10.0.0." + r.nextInt(3);
        int expires = r.nextInt(6) == 0 ? 0 : 60 + r.nextInt(600);
        SipMessage m = registerMessage(uri, expires);
        assertThat(reg.register(trunk, m, pbx).status()).isEqualTo(200);
        if (expires == 0) {
          contacts.remove(uri);
        } else {
          if (!contacts.containsKey(uri) && contacts.size() >= 2) {
            contacts.remove(contacts.keySet().iterator().next()); // the oldest is replaced
          }
          contacts.put(uri, now + expires * 1000L);
        }
      }
      assertThat(dropped).as("seed %d: sweeps dropped some", seed).isGreaterThan(100);
      for (Trunk trunk : trunks) {
        LinkedHashMap<String, Long> contacts = model.get(trunk.name());
        contacts.values().removeIf(at -> at <= now);
        assertThat(reg.bindings(trunk.name()))
            .extracting(Binding::contact)
            .containsExactlyElementsOf(contacts.keySet());
      }
    }
  }

  private SipMessage registerMessage(String contact, int expires) {
    String text =
        "REGISTER sip:192.0.2.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-"
            + cseq
            + "\r\nMax-Forwards: 70\r\nFrom: <sip:x@192.0.2.1>;tag=a\r\n"
            + "To: <sip:x@192.0.2.1>\r\nCall-ID: model\r\nCSeq: "
            + cseq++
            + " REGISTER\r\nContact: <"
            + contact
            + ">;expires="
            + expires
            + "\r\nContent-Length: 0\r\n\r\n";
    SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.UTF_8));
    assertThat(m.isOk()).as("test message %s", m).isTrue();
    return m;
  }

  @Test
  void tooBriefIs423WithMinExpiresAndTooLongIsShortened() {
    assertThat(register("Contact: <sip:acme@10.0.0.5>", "Expires: 30"))
        .isEqualTo(new Registrar.Reply(423, "Interval Too Brief", List.of("Min-Expires: 60")));
    assertThat(registrar.bindings("acme")).isEmpty();

    Registrar.Reply r = register("Contact: <sip:acme@10.0.0.5>", "Expires: 86400");
    assertThat(r.headers()).contains("Contact: <sip:acme@10.0.0.5>;expires=3600");
  }

  @Test
  void noExpiresAtAllMeansTheDefaultCappedByMaxExpires() {
    Registrar.Reply r = register("Contact: <sip:acme@10.0.0.5>");
    assertThat(r.headers()).contains("Contact: <sip:acme@10.0.0.5>;expires=3600");
  }

  @Test
  void beyondMaxContactsTheOldestIsReplaced() {
    register("Contact: <sip:acme@10.0.0.1>", "Expires: 300");
    now += 1000;
    register("Contact: <sip:acme@10.0.0.2>", "Expires: 300");
    now += 1000;
    Registrar.Reply r = register("Contact: <sip:acme@10.0.0.3>", "Expires: 300");

    assertThat(registrar.bindings("acme"))
        .extracting(Binding::contact)
        .containsExactly("sip:acme@10.0.0.2", "sip:acme@10.0.0.3");
    assertThat(r.headers()).filteredOn(h -> h.startsWith("Contact:")).hasSize(2);
  }

  @Test
  void expiresZeroAndTheWildcardRemove() {
    register("Contact: <sip:acme@10.0.0.1>, <sip:acme@10.0.0.2>", "Expires: 300");
    register("Contact: <sip:acme@10.0.0.1>;expires=0");
    assertThat(registrar.bindings("acme"))
        .extracting(Binding::contact)
        .containsExactly("sip:acme@10.0.0.2");

    assertThat(register("Contact: *", "Expires: 0").status()).isEqualTo(200);
    assertThat(registrar.bindings("acme")).isEmpty();
    assertThat(stored).contains("remove sip:acme@10.0.0.1", "remove sip:acme@10.0.0.2");
  }

  /** A trunk left without contacts says how and when its last one went, until one binds again. */
  @Test
  void howTheLastContactWentIsKeptUntilOneBindsAgain() {
    register("Contact: <sip:acme@10.0.0.1>, <sip:acme@10.0.0.2>", "Expires: 300");
    assertThat(registrar.unbound("acme")).isEmpty();

    now += 1_000;
    register("Contact: <sip:acme@10.0.0.1>;expires=0");
    assertThat(registrar.unbound("acme")).as("one contact is still bound").isEmpty();
    now += 1_000;
    register("Contact: <sip:acme@10.0.0.2>;expires=0");
    assertThat(registrar.unbound("acme"))
        .contains(
            new Registrar.Unbound(
                Instant.ofEpochMilli(now),
                "contact sip:acme@10.0.0.2 unregistered from udp:192.0.2.7:5070"));

    register("Contact: <sip:acme@10.0.0.3>", "Expires: 120");
    assertThat(registrar.unbound("acme")).isEmpty();
    long lapses = now + 120_000;
    now += 200_000;
    assertThat(registrar.expire()).isEqualTo(1);
    assertThat(registrar.unbound("acme"))
        .contains(
            new Registrar.Unbound(
                Instant.ofEpochMilli(lapses), "contact sip:acme@10.0.0.3 expired (not refreshed)"));

    register("Contact: <sip:acme@10.0.0.4>", "Expires: 300");
    register("Contact: *", "Expires: 0");
    assertThat(registrar.unbound("acme").orElseThrow().why())
        .isEqualTo("all contacts removed by udp:192.0.2.7:5070");
  }

  @Test
  void aWildcardWithAnythingElseIs400() {
    assertThat(register("Contact: *", "Expires: 300").status()).isEqualTo(400);
    assertThat(register("Contact: *, <sip:acme@10.0.0.1>", "Expires: 0").status()).isEqualTo(400);
  }

  @Test
  void aQueryWithoutContactListsTheBindings() {
    register("Contact: <sip:acme@10.0.0.1>", "Expires: 300");
    now += 100_000;
    assertThat(register().headers()).contains("Contact: <sip:acme@10.0.0.1>;expires=200");
  }

  @Test
  void anOutOfOrderRefreshDoesNotChangeTheBinding() {
    register("Contact: <sip:acme@10.0.0.1>", "Expires: 300");
    cseq = 1; // the same Call-ID with an old CSeq (§10.3 step 7)
    Registrar.Reply r = register("Contact: <sip:acme@10.0.0.1>", "Expires: 0");

    assertThat(r.status()).isEqualTo(500);
    assertThat(registrar.bindings("acme")).hasSize(1);
  }

  @Test
  void aRefreshFromANewAddressMovesTheSource() {
    register("Contact: <sip:acme@10.0.0.1>", "Expires: 300");
    Peer moved = new Peer(Transport.UDP, new InetSocketAddress("192.0.2.8", 5070));
    register(moved, "call-1", "Contact: <sip:acme@10.0.0.1>", "Expires: 300");

    assertThat(registrar.trunkRegisteredFrom(moved.address())).contains("acme");
    assertThat(registrar.trunkRegisteredFrom(pbx.address())).isEmpty();
    assertThat(registrar.bindings("acme")).hasSize(1);
  }

  @Test
  void aTrunkThatDoesNotRegisterIsRefused() {
    Trunk ip =
        new Trunk(
            "carrier1",
            TrunkMode.IP,
            new TrunkAccess.Ip(List.of(AddressRange.parse("192.0.2.7"))),
            Optional.empty(),
            Optional.empty(),
            0,
            0,
            List.of());
    SipMessage m =
        new SipParser()
            .parseDatagram(
                ("REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-x\r\n"
                        + "Max-Forwards: 70\r\nFrom: <sip:x@192.0.2.1>;tag=a\r\nTo: <sip:x@192.0.2.1>\r\n"
                        + "Call-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(registrar.register(ip, m, pbx).status()).isEqualTo(403);
  }

  @Test
  void restoresStoredBindingsThatHaveNotExpired() {
    Binding live =
        new Binding(
            "acme",
            "sip:acme@10.0.0.9",
            now + 60_000,
            Transport.TCP,
            pbx.address(),
            null,
            "c",
            1,
            "",
            now);
    Binding dead =
        new Binding(
            "acme",
            "sip:acme@10.0.0.8",
            now - 1,
            Transport.TCP,
            pbx.address(),
            null,
            "c",
            1,
            "",
            now);
    Binding gone =
        new Binding(
            "zeta",
            "sip:z@10.0.0.7",
            now + 60_000,
            Transport.TCP,
            pbx.address(),
            null,
            "c",
            1,
            "",
            now);
    Registrar r =
        new Registrar(
            clock,
            new LocationStore() {
              @Override
              public List<Binding> loadAll() {
                return List.of(live, dead, gone);
              }

              @Override
              public List<Binding> loadAll(int expectedContacts) {
                stored.add("expect " + expectedContacts);
                return loadAll();
              }

              @Override
              public void save(Binding b) {}

              @Override
              public void remove(String trunk, String contact) {
                stored.add("remove " + contact);
              }
            });

    // sized for the registering trunks (TrunkCore counts them), the store told too
    assertThat(r.restore(name -> name.equals("acme") ? Optional.of(acme) : Optional.empty(), 3))
        .isEqualTo(1);
    assertThat(r.bindings("acme")).containsExactly(live);
    assertThat(stored)
        .containsExactlyInAnyOrder("expect 3", "remove sip:acme@10.0.0.8", "remove sip:z@10.0.0.7");
    // the resized tables take new registrations and find the restored one by its source
    assertThat(r.trunkRegisteredFrom(live.source())).contains("acme");
  }

  /**
   * The refresh read without parsing the Contact (Registrar.refreshed) against the parser: wherever
   * it takes a binding, parsing the line gives one contact, not the wildcard, without parameters,
   * whose URI text is that binding's; and it takes the plain refreshes a PBX sends.
   */
  @Test
  void aRefreshReadWithoutParsingIsWhatTheParserMakesOfTheContact() {
    List<Binding> list = new ArrayList<>();
    for (String c : List.of("sip:acme@10.0.0.1", "sips:acme@10.0.0.2:5061;transport=tls")) {
      list.add(
          new Binding(
              "acme", c, now + 60_000, Transport.UDP, pbx.address(), null, "c", 1, null, now));
    }
    String[] pieces = {
      "<",
      ">",
      "sip:acme@10.0.0.1",
      "sips:acme@10.0.0.2:5061;transport=tls",
      "SIP:acme@10.0.0.1",
      ";expires=60",
      ",",
      " ",
      "\"A\" ",
      "sip:acme@10.0.0.3",
      "tel:+4930",
      "*",
      ";q=0.5",
      "\t",
      "acme@10.0.0.1",
      "<sip:acme@10.0.0.1>",
      "\r\n ",
      "\r\nContact: "
    };
    Random rnd = new Random(20261128);
    int taken = 0;
    int plain = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder v = new StringBuilder();
      int parts = 1 + rnd.nextInt(4);
      if (rnd.nextInt(3) == 0) {
        v.append('<').append(list.get(rnd.nextInt(2)).contact()).append('>'); // a plain refresh
        parts = rnd.nextInt(2) * parts;
        plain += parts == 0 ? 1 : 0;
      }
      for (int k = 0; k < parts; k++) {
        v.append(pieces[rnd.nextInt(pieces.length)]);
      }
      String text =
          "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-1\r\n"
              + "From: <sip:acme@192.0.2.1>;tag=a\r\nTo: <sip:acme@192.0.2.1>\r\nCall-ID: c\r\n"
              + "CSeq: 2 REGISTER\r\nContact: "
              + v
              + "\r\nContent-Length: 0\r\n\r\n";
      SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.UTF_8));
      if (!m.isOk()) {
        continue;
      }
      Binding b = Registrar.refreshed(m, list);
      if (b == null) {
        continue;
      }
      taken++;
      var parsed = m.contacts();
      assertThat(parsed).as("Contact: %s", v).hasSize(1);
      assertThat(parsed.get(0).wildcard()).as("Contact: %s", v).isFalse();
      assertThat(parsed.get(0).params()).as("Contact: %s", v).isEmpty();
      assertThat(parsed.get(0).uri().toString()).as("Contact: %s", v).isEqualTo(b.contact());
    }
    assertThat(taken).isGreaterThanOrEqualTo(plain).isGreaterThan(1_000);
  }

  /** A refresh of an unchanged contact binds as before: lifetime, call, source, stored once. */
  @Test
  void aPlainRefreshKeepsTheContactAndTakesTheNewLifetimeAndCall() {
    register("Contact: <sip:acme@10.0.0.1>", "Expires: 300");
    now += 10_000;
    Registrar.Reply r = register(pbx, "call-2", "Contact: <sip:acme@10.0.0.1>", "Expires: 120");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).contains("Contact: <sip:acme@10.0.0.1>;expires=120");
    Binding b = registrar.bindings("acme").get(0);
    assertThat(b.callId()).isEqualTo("call-2");
    assertThat(b.expiresAt()).isEqualTo(now + 120_000);
    assertThat(b.registeredAt()).isEqualTo(now - 10_000);
    assertThat(register(pbx, "call-2", "Contact: <sip:acme@10.0.0.1>", "Expires: 30").status())
        .isEqualTo(423);
    assertThat(register(pbx, "call-2", "Contact: <sip:acme@10.0.0.1>", "Expires: 0").status())
        .isEqualTo(200);
    assertThat(registrar.bindings("acme")).isEmpty();
  }
}
