import SwiftLoss

/// A formula line of the teaching text (`l_n = −w[y_n]·x_n,y_n   (0 where y_n = ignore_index)`)
/// as presentation MathML for the lesson page: letters as identifiers, `_n` as a subscript, `²`
/// as a superscript, numbers, operators, and runs of words as text. The output is well-formed XML
/// whatever the input (everything is escaped), so a formula can only look plain, never break the
/// page.
enum MathML {
  /// Names set upright as functions rather than as text.
  static let functions: Set<String> = [
    "log", "exp", "max", "min", "softmax", "log_softmax", "sgn", "sign", "cos", "sin", "tanh", "log1p", "clamp",
    "mean", "sum", "onehot", "lgamma", "sqrt", "abs", "batchmean", "logsumexp", "nll", "smooth", "cosine", "pairwise",
  ]

  /// One `<math display="block">` element for `line`.
  static func block(_ line: String) -> String {
    "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><mrow>"
      + tokens(TextLayout.fontSafe(line)) + "</mrow></math>"
  }

  static func isLetter(_ c: Character) -> Bool {
    c.isASCII ? c.isLetter : ("α"..."ω").contains(c) || ("Α"..."Ω").contains(c) && c != "Σ" && c != "Π"
  }

  static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

  static func tokens(_ line: String) -> String {
    let chars = Array(line)
    var out = ""
    var i = 0
    /// Whether a subscript (`_` and one or two letters or digits, then no more) starts at `k`.
    func subscriptLength(at k: Int) -> Int? {
      guard k < chars.count, chars[k] == "_" else { return nil }
      var j = k + 1
      while j < chars.count, chars[j].isASCII, chars[j].isLetter || chars[j].isNumber { j += 1 }
      let length = j - k - 1
      guard (1...2).contains(length), j == chars.count || chars[j] != "_" else { return nil }
      return length
    }
    /// The end (the index of `}`) of a braced subscript `_{...}` starting at `k`.
    func bracedSubscriptEnd(at k: Int) -> Int? {
      guard k + 1 < chars.count, chars[k] == "_", chars[k + 1] == "{" else { return nil }
      return chars[(k + 2)...].firstIndex(of: "}")
    }
    func startsSubscript(_ k: Int) -> Bool { subscriptLength(at: k) != nil || bracedSubscriptEnd(at: k) != nil }
    while i < chars.count {
      let c = chars[i]
      var atom: String
      if c == " " {
        var j = i
        while j < chars.count, chars[j] == " " { j += 1 }
        if j - i >= 2 { out += "<mspace width=\"1em\"/>" }
        i = j
        continue
      } else if isLetter(c) {
        var j = i
        // Letters and digits, and underscores that do not start a subscript (log_softmax).
        while j < chars.count,
          isLetter(chars[j]) || isDigit(chars[j]) || (chars[j] == "_" && !startsSubscript(j))
        {
          j += 1
        }
        let word = String(chars[i..<j])
        i = j
        if word.count == 1 {
          atom = "<mi>\(escape(word))</mi>"
        } else if functions.contains(word) || word.allSatisfy({ isLetter($0) && !$0.isASCII })
          || (word.count == 2 && word.first == "d")
        {
          atom = "<mi>\(escape(word))</mi>"
        } else {
          // A run of words (and the spaces, hyphens and commas between them) is text.
          var text = word
          var k = i
          while k < chars.count {
            var m = k
            while m < chars.count, chars[m] == " " || chars[m] == "-" || chars[m] == "," { m += 1 }
            var e = m
            while e < chars.count, chars[e].isASCII,
              chars[e].isLetter || chars[e] == "'" || (chars[e] == "_" && !startsSubscript(e))
            {
              e += 1
            }
            guard e - m >= 2, m > k, !functions.contains(String(chars[m..<e])) else { break }
            text += String(chars[k..<e])
            k = e
          }
          i = k
          // No-break spaces keep the text apart from the symbols around it.
          atom = "<mtext>\u{A0}\(escape(text))\u{A0}</mtext>"
        }
      } else if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
        var j = i
        while j < chars.count, isDigit(chars[j]) || chars[j] == "." { j += 1 }
        // An exponent: 1e−12, 1e-6.
        if j + 1 < chars.count, chars[j] == "e", chars[j + 1] == "−" || chars[j + 1] == "-" || isDigit(chars[j + 1]) {
          var k = j + 1
          if !isDigit(chars[k]) { k += 1 }
          if k < chars.count, isDigit(chars[k]) {
            while k < chars.count, isDigit(chars[k]) { k += 1 }
            j = k
          }
        }
        atom = "<mn>\(escape(String(chars[i..<j])))</mn>"
        i = j
      } else if c == "'" {
        var j = i + 1
        while j < chars.count, chars[j] != "'" { j += 1 }
        if j < chars.count, j - i > 1, chars[(i + 1)..<j].allSatisfy({ $0.isLetter || $0 == "_" }) {
          atom = "<mtext>\(escape(String(chars[i...j])))</mtext>"
          i = j + 1
        } else {
          atom = "<mo>\(escape("'"))</mo>"
          i += 1
        }
      } else {
        atom = "<mo>\(escape(String(c)))</mo>"
        i += 1
      }
      // Postfix: subscripts and superscripts.
      while i < chars.count {
        if let end = bracedSubscriptEnd(at: i) {
          atom = "<msub>\(atom)<mrow>\(tokens(String(chars[(i + 2)..<end])))</mrow></msub>"
          i = end + 1
        } else if let length = subscriptLength(at: i) {
          let sub = String(chars[(i + 1)...(i + length)])
          let inner = sub.allSatisfy(isDigit) ? "<mn>\(sub)</mn>" : "<mi>\(escape(sub))</mi>"
          atom = "<msub>\(atom)\(inner)</msub>"
          i += 1 + length
        } else if let power = ["²": "2", "³": "3", "ⁿ": "n"][chars[i]] {
          atom = "<msup>\(atom)<m\(power == "n" ? "i" : "n")>\(power)</m\(power == "n" ? "i" : "n")></msup>"
          i += 1
        } else {
          break
        }
      }
      out += atom
    }
    return out
  }

  static func escape(_ text: String) -> String { SVGPlot.escape(text) }
}
