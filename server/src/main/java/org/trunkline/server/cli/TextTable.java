package org.trunkline.server.cli;

import java.util.List;

/** Rows of cells as aligned text: each column as wide as its widest cell, two spaces between. */
final class TextTable {
  private TextTable() {}

  /** {@code rows} (the header first), every row as long as the first; lines end in '\n'. */
  static String render(List<List<String>> rows) {
    int columns = rows.getFirst().size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(row.get(c));
        if (c < columns - 1) {
          line.repeat(" ", width[c] - row.get(c).length() + 2);
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** A cell: {@code -} for nothing, whitespace runs as one space. */
  static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString().replaceAll("\\s+", " ").strip();
    return s.isEmpty() ? "-" : s;
  }
}
