package org.trunkline.core.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {
  private static InetSocketAddress source(String address, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(address), port);
  }

  @ParameterizedTest
  @CsvSource({
    "203.0.113.10,        203.0.113.10,       32,  0",
    "203.0.113.10:5060,   203.0.113.10,       32,  5060",
    "198.51.100.0/28,     198.51.100.0,       28,  0",
    "0.0.0.0/0,           0.0.0.0,            0,   0",
    "10.0.0.0/8,          10.0.0.0,           8,   0",
    "[2001:db8::1]:5060,  2001:db8::1,        128, 5060",
    "2001:db8::/32,       2001:db8::,         32,  0",
    "::1,                 ::1,                128, 0",
    "[::1],               ::1,                128, 0",
    "::/0,                ::,                 0,   0",
  })
  void parsesEveryForm(String text, String network, int prefix, int port) throws Exception {
    AddressRange range = AddressRange.parse(text);

    assertThat(range.network()).isEqualTo(InetAddress.getByName(network));
    assertThat(range.prefixLength()).isEqualTo(prefix);
    assertThat(range.port()).isEqualTo(port);
  }

  @ParameterizedTest
  @CsvSource({
    "203.0.113.10,                     203.0.113.10",
    "203.0.113.10:5060,                203.0.113.10:5060",
    "198.51.100.0/28,                  198.51.100.0/28",
    "198.51.100.7/32,                  198.51.100.7",
    "[2001:DB8:0:0:0:0:0:1]:5060,      [2001:db8::1]:5060",
    "2001:0db8:0000::/32,              2001:db8::/32",
    "2001:db8:0:0:1:0:0:1,             2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1,             2001:db8:0:1:1:1:1:1",
    "0:0:0:0:0:0:0:1,                  ::1",
    "[::1],                            ::1",
    "::/0,                             ::/0",
    "fe80::/10,                        fe80::/10",
  })
  void writesItselfCanonically(String text, String canonical) {
    AddressRange range = AddressRange.parse(text);

    assertThat(range).hasToString(canonical);
    assertThat(AddressRange.parse(canonical)).isEqualTo(range);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "198.51.100.0/33",
        "2001:db8::/129",
        "198.51.100.0/",
        "198.51.100.0/x",
        "198.51.100.0/-1",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "",
        "1.2.3.4:",
        "1.2.3.4:abc",
        "[2001:db8::1",
        "[2001:db8::1]5060",
        "2001:db8::g",
        "1:2:3:4:5:6:7:8:9",
        "fe80::1%eth0",
        "*",
      })
  void rejectsWhatIsNotAnAddressOrCidr(String text) {
    assertThatThrownBy(() -> AddressRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an address or CIDR: " + text);
  }

  @Test
  void explainsTheMistakesThatHaveAnExplanation() {
    assertThatThrownBy(() -> AddressRange.parse("198.51.100.1/28"))
        .hasMessage("198.51.100.1/28 has host bits set; did you mean 198.51.100.0/28?");
    assertThatThrownBy(() -> AddressRange.parse("2001:db8::1/32"))
        .hasMessage("2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?");
    assertThatThrownBy(() -> AddressRange.parse("1.2.3.4:0"))
        .hasMessage("not an address or CIDR: 1.2.3.4:0 (port must be 1..65535)");
    assertThatThrownBy(() -> AddressRange.parse("1.2.3.4:65536"))
        .hasMessage("not an address or CIDR: 1.2.3.4:65536 (port must be 1..65535)");
    assertThatThrownBy(() -> AddressRange.parse("pbx.example.com"))
        .hasMessage("not an address or CIDR: pbx.example.com (host names are not allowed here)");
    assertThatThrownBy(() -> AddressRange.parse("pbx.example.com:5060"))
        .hasMessage(
            "not an address or CIDR: pbx.example.com:5060 (host names are not allowed here)");
    assertThatThrownBy(() -> AddressRange.parse("[2001:db8::]/32"))
        .hasMessage("not an address or CIDR: [2001:db8::]/32 (write IPv6 CIDRs without brackets)");
    assertThatThrownBy(() -> AddressRange.parse("::ffff:192.0.2.1"))
        .hasMessage(
            "not an address or CIDR: ::ffff:192.0.2.1 (write the IPv4-mapped address as"
                + " 192.0.2.1)");
  }

  @Test
  void neverLooksUpAName() {
    // "localhost" resolves everywhere; a range must still refuse it.
    assertThatThrownBy(() -> AddressRange.parse("localhost"))
        .hasMessage("not an address or CIDR: localhost (host names are not allowed here)");
  }

  @Test
  void matchesASingleAddressOnAnyPortOrOneGivenPort() throws Exception {
    AddressRange anyPort = AddressRange.parse("203.0.113.10");
    AddressRange onePort = AddressRange.parse("203.0.113.10:5060");

    assertThat(anyPort.matches(source("203.0.113.10", 5060))).isTrue();
    assertThat(anyPort.matches(source("203.0.113.10", 40000))).isTrue();
    assertThat(anyPort.matches(source("203.0.113.11", 5060))).isFalse();
    assertThat(onePort.matches(source("203.0.113.10", 5060))).isTrue();
    assertThat(onePort.matches(source("203.0.113.10", 5061))).isFalse();
    assertThat(onePort.matches(source("203.0.113.11", 5060))).isFalse();
  }

  @Test
  void matchesACidrBlockToItsEdges() throws Exception {
    AddressRange block = AddressRange.parse("198.51.100.0/28");

    assertThat(block.matches(source("198.51.100.0", 5060))).isTrue();
    assertThat(block.matches(source("198.51.100.15", 5060))).isTrue();
    assertThat(block.matches(source("198.51.100.16", 5060))).isFalse();
    assertThat(block.matches(source("198.51.99.255", 5060))).isFalse();

    AddressRange odd = AddressRange.parse("10.128.0.0/9");
    assertThat(odd.matches(source("10.255.255.255", 1))).isTrue();
    assertThat(odd.matches(source("10.127.255.255", 1))).isFalse();

    AddressRange all = AddressRange.parse("0.0.0.0/0");
    assertThat(all.matches(source("192.0.2.1", 1))).isTrue();
    assertThat(all.matches(source("::1", 1))).isFalse();
  }

  @Test
  void matchesIpv6() throws Exception {
    AddressRange block = AddressRange.parse("2001:db8::/32");
    AddressRange host = AddressRange.parse("[2001:db8::1]:5060");

    assertThat(block.matches(source("2001:db8:ffff::1", 5060))).isTrue();
    assertThat(block.matches(source("2001:db9::1", 5060))).isFalse();
    assertThat(host.matches(source("2001:db8::1", 5060))).isTrue();
    assertThat(host.matches(source("2001:db8::1", 5062))).isFalse();
    assertThat(host.matches(source("2001:db8::2", 5060))).isFalse();
    assertThat(block.matches(source("32.1.13.184", 5060))).as("IPv4 never matches IPv6").isFalse();
  }

  @Test
  void matchesIpv4MappedIpv6SourcesAgainstIpv4Ranges() throws Exception {
    // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; build one that Java keeps as
    // IPv6 (InetAddress.getByName would unmap it).
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 198;
    mapped[13] = 51;
    mapped[14] = 100;
    mapped[15] = 7;
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(address).isInstanceOf(Inet6Address.class);
    InetSocketAddress from = new InetSocketAddress(address, 5060);

    assertThat(AddressRange.parse("198.51.100.0/28").matches(from)).isTrue();
    assertThat(AddressRange.parse("198.51.100.7:5060").matches(from)).isTrue();
    assertThat(AddressRange.parse("198.51.100.7:5061").matches(from)).isFalse();
    assertThat(AddressRange.parse("198.51.100.16/28").matches(from)).isFalse();
  }

  @Test
  void neverMatchesAnUnresolvedSource() {
    assertThat(
            AddressRange.parse("0.0.0.0/0")
                .matches(InetSocketAddress.createUnresolved("203.0.113.10", 5060)))
        .isFalse();
  }

  @Test
  void theMostSpecificMatchWins() throws Exception {
    List<AddressRange> ranges =
        List.of(
            AddressRange.parse("198.51.100.0/24"),
            AddressRange.parse("198.51.100.7:5060"),
            AddressRange.parse("198.51.100.0/28"),
            AddressRange.parse("198.51.100.7"));
    InetSocketAddress from = source("198.51.100.7", 5060);

    assertThat(ranges.stream().map(AddressRange::specificity)).containsExactly(24, 33, 28, 32);
    assertThat(
            ranges.stream()
                .filter(r -> r.matches(from))
                .max(Comparator.comparingInt(AddressRange::specificity)))
        .contains(AddressRange.parse("198.51.100.7:5060"));
    InetSocketAddress otherPort = source("198.51.100.7", 5070);
    assertThat(
            ranges.stream()
                .filter(r -> r.matches(otherPort))
                .max(Comparator.comparingInt(AddressRange::specificity)))
        .contains(AddressRange.parse("198.51.100.7"));
  }

  @Test
  void theConstructorKeepsItsInvariants() throws Exception {
    InetAddress v4 = InetAddress.getByName("198.51.100.1");

    assertThatThrownBy(() -> new AddressRange(v4, 28, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host bits set in 198.51.100.1/28");
    assertThatThrownBy(() -> new AddressRange(v4, 33, 0))
        .hasMessage("prefix length must be 0..32, got 33");
    assertThatThrownBy(() -> new AddressRange(InetAddress.getByName("198.51.100.0"), 28, 5060))
        .hasMessage("only a single address can have a port");
    assertThat(AddressRange.of(v4)).isEqualTo(AddressRange.parse("198.51.100.1"));
  }
}
