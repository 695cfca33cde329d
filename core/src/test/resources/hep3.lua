-- A HEPv3 dissector for the tests: the tshark of Debian 12 (4.0) has none. Registered as "hep" for
-- Decode As, so `tshark -X lua_script:hep3.lua -d udp.port==9060,hep` decodes HEP on that port and
-- hands the payload chunk (type 15) to the SIP dissector. Generic chunks (vendor 0) only.
local hep = Proto("hep", "HEPv3 (Homer Encapsulation Protocol)")
local F = {
  length = ProtoField.uint16("hep.length", "Total length"),
  family = ProtoField.uint8("hep.ip_family", "IP family"),
  proto = ProtoField.uint8("hep.ip_proto", "IP protocol"),
  src4 = ProtoField.ipv4("hep.src_ip", "Source IPv4"),
  dst4 = ProtoField.ipv4("hep.dst_ip", "Destination IPv4"),
  src6 = ProtoField.ipv6("hep.src_ip6", "Source IPv6"),
  dst6 = ProtoField.ipv6("hep.dst_ip6", "Destination IPv6"),
  sport = ProtoField.uint16("hep.src_port", "Source port"),
  dport = ProtoField.uint16("hep.dst_port", "Destination port"),
  sec = ProtoField.uint32("hep.ts_sec", "Seconds"),
  usec = ProtoField.uint32("hep.ts_usec", "Microseconds"),
  ptype = ProtoField.uint8("hep.proto_type", "Protocol type"),
  capture = ProtoField.uint32("hep.capture_id", "Capture agent id"),
  auth = ProtoField.string("hep.auth_key", "Authentication key"),
  correlation = ProtoField.string("hep.correlation_id", "Correlation id"),
  payload_len = ProtoField.uint32("hep.payload_len", "Payload length"),
}
hep.fields = { F.length, F.family, F.proto, F.src4, F.dst4, F.src6, F.dst6, F.sport, F.dport,
  F.sec, F.usec, F.ptype, F.capture, F.auth, F.correlation, F.payload_len }
local by_type = { [1] = F.family, [2] = F.proto, [3] = F.src4, [4] = F.dst4, [5] = F.src6,
  [6] = F.dst6, [7] = F.sport, [8] = F.dport, [9] = F.sec, [10] = F.usec, [11] = F.ptype,
  [12] = F.capture, [14] = F.auth, [17] = F.correlation }
local sip = Dissector.get("sip")

function hep.dissector(tvb, pinfo, tree)
  if tvb:len() < 6 or tvb(0, 4):string() ~= "HEP3" then return 0 end
  local total = tvb(4, 2):uint()
  if total > tvb:len() then return 0 end
  local t = tree:add(hep, tvb(0, total))
  t:add(F.length, tvb(4, 2))
  local off, payload = 6, nil
  while off + 6 <= total do
    local vendor, kind, len = tvb(off, 2):uint(), tvb(off + 2, 2):uint(), tvb(off + 4, 2):uint()
    if len < 6 or off + len > total then break end
    if vendor == 0 and len > 6 then
      local value = tvb(off + 6, len - 6)
      if kind == 15 then
        payload = value
        t:add(F.payload_len, len - 6)
      elseif by_type[kind] then
        t:add(by_type[kind], value)
      end
    end
    off = off + len
  end
  pinfo.cols.protocol = "HEP3"
  if payload then sip:call(payload:tvb(), pinfo, tree) end
  return total
end

DissectorTable.get("udp.port"):add_for_decode_as(hep)
DissectorTable.get("tcp.port"):add_for_decode_as(hep)
