package org.trunkline.stack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and PKCS#8 keys with the JDK alone, failing with a readable reason. */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private Pem() {}

  private record Block(String label, byte[] der) {}

  /** The certificates in {@code file}, in file order; at least one. */
  static List<X509Certificate> certificates(Path file, String field) throws TlsConfigException {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file, field)) {
        if (b.label().equals("CERTIFICATE")) {
          certs.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new TlsConfigException(field, file + ": not a readable certificate: " + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw new TlsConfigException(field, file + ": no PEM certificate (BEGIN CERTIFICATE) in it");
    }
    return certs;
  }

  /** The one private key in {@code file}. */
  static PrivateKey privateKey(Path file, String field) throws TlsConfigException {
    for (Block b : blocks(file, field)) {
      switch (b.label()) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der(), file, field);
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new TlsConfigException(
                field,
                file
                    + ": "
                    + b.label()
                    + " is not PKCS#8; convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                    + file.getFileName()
                    + " -out key.pem");
        case "ENCRYPTED PRIVATE KEY" ->
            throw new TlsConfigException(
                field, file + ": the key is encrypted; give an unencrypted PKCS#8 key");
        default -> {}
      }
    }
    throw new TlsConfigException(field, file + ": no PEM private key (BEGIN PRIVATE KEY) in it");
  }

  /** Whether {@code key} is the private half of {@code cert}'s public key: sign, then verify. */
  static boolean matches(PrivateKey key, X509Certificate cert) {
    PublicKey pub = cert.getPublicKey();
    if (!key.getAlgorithm().equals(pub.getAlgorithm())
        && !(key.getAlgorithm().startsWith("Ed") && pub.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
    try {
      byte[] probe = "trunkline key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String field) throws TlsConfigException {
    for (String alg : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new TlsConfigException(
        field, file + ": not an RSA, EC or EdDSA private key the JDK can read");
  }

  private static List<Block> blocks(Path file, String field) throws TlsConfigException {
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new TlsConfigException(field, file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new TlsConfigException(field, file + ": permission denied");
    } catch (IOException e) {
      throw new TlsConfigException(field, file + ": cannot read: " + e.getMessage());
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new TlsConfigException(field, file + ": bad base64 in " + m.group(1));
      }
    }
    if (out.isEmpty()) {
      throw new TlsConfigException(field, file + ": not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }
}
