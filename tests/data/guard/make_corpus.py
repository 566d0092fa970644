"""Write positives.yaml (personal data the guard must catch) and the generated part of negatives.yaml.

Run by hand (`python tests/data/guard/make_corpus.py`) when the corpus should grow; the files are
committed, so the tests are deterministic. Names, BSNs, IBANs and e-mail addresses come from Faker
(seeded); they are made up. Phone numbers follow the Dutch numbering plan with random digits.
"""

from __future__ import annotations

import random
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
rnd = random.Random(20251130)
nl = Faker("nl_NL")
Faker.seed(20251130)


def digits(n: int) -> str:
    return "".join(rnd.choice("0123456789") for _ in range(n))


def q(text: str) -> str:
    return "  - " + '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def bsns(n: int) -> list[str]:
    out = []
    for _ in range(n):
        b = nl.ssn()
        forms = [b, f"{b[:3]} {b[3:6]} {b[6:]}", f"{b[:3]}\u00a0{b[3:6]}\u00a0{b[6:]}", f"{b[:4]}.{b[4:6]}.{b[6:]}",
                 f"{b[:3]}.{b[3:6]}.{b[6:]}", f"{b[:3]}/{b[3:6]}/{b[6:]}", f"{b[:3]}  {b[3:6]}  {b[6:]}",
                 f"{b[:3]}-{b[3:6]}-{b[6:]}", "".join(chr(0xFF10 + int(c)) for c in b), f"{b[:3]}\u202f{b[3:6]}\u202f{b[6:]}"]
        form = rnd.choice(forms)
        frame = rnd.choice(["{}", "BSN {}", "bsn: {}", "burgerservicenummer {}", "BSN-nummer: {}", "citizen service number {}",
                            "client has BSN {} according to the file", "aanvrager (BSN {}) is gehoord", "sofinummer {}"])
        out.append(frame.format(form))
    for _ in range(10):  # any nine digits after the word BSN, even without the 11-test
        out.append(f"BSN {digits(9)}")
    return out


def vnumbers(n: int) -> list[str]:
    out = []
    for _ in range(n):
        v = str(rnd.randint(1, 9)) + digits(9)
        form = rnd.choice([v, f"{v[:2]}.{v[2:5]}.{v[5:7]}.{v[7:]}", f"{v[:4]} {v[4:6]} {v[6:]}", f"{v[:3]}-{v[3:6]}-{v[6:]}"])
        frame = rnd.choice(["V-nummer {}", "V-nummer: {}", "v-nr. {}", "V-nr {}", "V{}", "V-number {}", "vreemdelingennummer {}",
                            "het V-nummer van cliënt is {}", "alien number {}", "V.nummer {}"])
        out.append(frame.format(form))
    return out


def phones(n: int) -> list[str]:
    out = []
    for _ in range(n):
        mobile = "6" + digits(8)
        area2 = rnd.choice(["20", "10", "70", "30", "40", "50", "13", "15", "24", "26", "38", "43", "53", "58", "71", "73"])
        rest7 = digits(7)
        area3 = rnd.choice(["111", "172", "229", "314", "343", "488", "511", "543", "594", "642", "223"])
        rest6 = digits(6)
        form = rnd.choice([
            f"06-{mobile[1:]}", f"06 {mobile[1:]}", f"06{mobile[1:]}", f"06 {mobile[1:5]} {mobile[5:]}",
            f"06.{mobile[1:3]}.{mobile[3:5]}.{mobile[5:7]}.{mobile[7:]}", f"06 {mobile[1:3]} {mobile[3:5]} {mobile[5:7]} {mobile[7:]}",
            f"(06) {mobile[1:]}", f"(06)-{mobile[1:]}", f"+31 6 {mobile[1:]}", f"+31 (0)6 {mobile[1:]}", f"+31(0)6-{mobile[1:]}",
            f"+316{mobile[1:]}", f"0031 6 {mobile[1:]}", f"0031-6-{mobile[1:]}", f"0{area2}-{rest7}", f"0{area2} {rest7[:3]} {rest7[3:]}",
            f"(0{area2}) {rest7}", f"+31 {area2} {rest7}", f"0{area3}-{rest6}", f"0{area3} {rest6[:2]} {rest6[2:4]} {rest6[4:]}",
            f"+32 2 {digits(3)} {digits(2)} {digits(2)}", f"+49 30 {digits(8)}", f"+44 20 {digits(4)} {digits(4)}",
            f"+249 91 {digits(3)} {digits(4)}", f"+963 11 {digits(7)}", f"+93 70 {digits(3)} {digits(4)}", f"+1 (555) {digits(3)}-{digits(4)}",
        ])
        frame = rnd.choice(["{}", "tel. {}", "telefoon: {}", "bel {} na 17:00", "mobiel {}", "phone {}", "bereikbaar via {}",
                            "contact: {} (voogd)", "nummer {} is van de tolk"])
        out.append(frame.format(form))
    return out


def emails(n: int) -> list[str]:
    out = []
    domains = ["bücher.de", "пример.рф", "例え.jp", "xn--bcher-kva.de", "gemeente.nl", "ind.nl", "advocaat-utrecht.nl", "münchen.de"]
    for _ in range(n):
        local = rnd.choice([nl.user_name(), nl.first_name().lower() + "." + nl.last_name().lower().replace(" ", ""), "j.jansen",
                            "cliënt2025", "info+case"])
        at = rnd.choice(["@", "@", "\uff20", " [at] ", "(at)", " (at) "])
        dom = rnd.choice([nl.free_email_domain(), rnd.choice(domains), "example.nl"])
        if at != "@" and "[" in at:
            dom = dom.replace(".", " [dot] ")
        out.append(rnd.choice(["{}", "mail {}", "e-mail: {}", "stuur naar {} a.u.b.", "contact via {}"]).format(local + at + dom))
    return out


def ibans(n: int) -> list[str]:
    out = []
    locales = [nl, nl, nl, Faker("de_DE"), Faker("fr_FR"), Faker("en_GB"), Faker("nl_BE")]
    for _ in range(n):
        iban = rnd.choice(locales).iban()
        spaced = " ".join(iban[i: i + 4] for i in range(0, len(iban), 4))
        form = rnd.choice([iban, spaced, iban.lower()])
        out.append(rnd.choice(["{}", "IBAN {}", "rekeningnummer {}", "bank account {} (Rabobank)", "overmaken naar {}"]).format(form))
    return out


def passports(n: int) -> list[str]:
    out = []
    letters = "ABCDEFGHIJKLMNPRSTUVWXYZ"
    for _ in range(n):
        token = "".join(rnd.choice(letters) for _ in range(2)) + "".join(rnd.choice(letters + "0123456789") for _ in range(6)) + str(rnd.randint(0, 9))
        if sum(c.isdigit() for c in token) < 3:
            token = token[:2] + digits(3) + token[5:]
        if not any(c.isalpha() for c in token[2:8]):
            token = token[:4] + "K" + token[5:]
        frame = rnd.choice(["paspoortnummer {}", "passport no. {}", "paspoort: {}", "reisdocument {}", "ID-kaart {}",
                            "documentnummer {}", "passport number {}", "{}", "identiteitskaart nr. {}"])
        out.append(frame.format(token))
    for _ in range(8):
        out.append(f"passport {rnd.choice(letters)}{digits(7)}")
    return out


def names(n: int) -> list[str]:
    out = []
    for _ in range(n):
        first, last = nl.first_name(), nl.last_name()
        while len(last) < 3 or last.isupper():
            last = nl.last_name()
        form = rnd.choice([
            f"{first} {last}", f"dhr. {last}", f"mevr. {last}", f"Mevr. {last}", f"mr. {first[0]}. {last}", f"Mr {last}",
            f"Mrs {last}", f"Ms. {last}", f"de heer {last}", f"mevrouw {last}", f"Cliënt: {last}", f"Cliënt: {first} {last}",
            f"client {last}", f"naam: {first}", f"genaamd {first}", f"{first[0]}. {last} (dhr.)", f"interview with {first} {last}",
            f"gehoord: {first} {last}, geboren in Aleppo", f"the minor {first} {last} arrived alone",
        ])
        out.append(form)
    for full in ["Mohammed Al-Hassan", "Fatima El Amrani", "Ahmad Karimi", "Yonas Tesfaye", "Abdirahman Warsame", "Maria de Vries",
                 "Jan Jansen", "Zahra Hosseini", "Omar Haddad", "Amina Yusuf", "Hassan Abdi", "Ali Rezaei", "Mustafa Demir",
                 "Aisha Bakari", "Tesfaye Haile", "Mehmet Yilmaz", "Ayesha Khan", "Samir Benali", "Khadija Ouali", "Ibrahim Diallo"]:
        out.append(rnd.choice(["{}", "cliënt {} verklaart", "interview met {} op 3 maart", "{} (15 jaar)", "zoon van {}"]).format(full))
    return out


def ids(n: int) -> list[str]:
    out = []
    for _ in range(n):
        first, last = nl.first_name().lower(), nl.last_name().lower().replace(" ", "-")
        out.append(rnd.choice([f"{first}-{last}", f"{first}-2025", f"{last}-{first}", f"case-{first}-{last}",
                               f"{first.capitalize()}{last.capitalize().replace('-', '')}", f"{first}_{last}"]))
    out += [str(rnd.randint(1, 9)) + digits(9) for _ in range(5)]  # a V-number as the id
    out += [nl.ssn() for _ in range(5)]
    return out


# Written by hand: what notes and comments in real case files say, and must be accepted.
PROSE = """
05-06-2025 10:00
2024-07-10 2025-01-09
2025-10-27 12 months
EUR 2.500.000.000
1 234 567 890
1700000000
ECLI:NL:RVS:2022:1530
ECLI:EU:C:2021:9
ECLI:NL:RBDHA:2021:2376
ECLI:CE:ECHR:2007:0111JUD000194804
NL24.21247
NL24.39722 and NL24.39723
202101991/1/V3
202304567/1/V2
AWB 21/12345
zaaknummer NL18.7421
TQ-04a
SBC-08 and SBC-11
A3-03, QD-08b, CH-02, CEC-01
C-441/19
Joined Cases C-368/20 and C-369/20
Case C-352/23 Changu, EU:C:2024:748, para 47
CELEX 62019CJ0441
Art. 25a(4) SBC
Article 27(6) of Regulation (EU) 2016/399
Regulation (EU) 2024/1717 of 13 June 2024
Directive 2008/115/EC, Art. 10(2)
Art. 3 ECHR; J.K. and Others v. Sweden [GC], no. 59166/12, § 102, 23 August 2016
Salah Sheekh v. the Netherlands, no. 1948/04, 11 January 2007
Hunde v. the Netherlands (dec.), no. 17931/16, 5 July 2016
HUDOC 001-78986
HUDOC itemid 001-161829
EHRM (GK) 23 augustus 2016, nr. 59166/12 (J.K. e.a. t. Zweden), § 102
HvJ EU 14 januari 2021, C-441/19, ECLI:EU:C:2021:9 (T.Q.), r.o. 47
ABRvS 8 juni 2022, ECLI:NL:RVS:2022:1530
Rb. Den Haag 15 maart 2021, NL18.7421
Kamerstukken II 2024/25, 19637, nr. 3300
Stcrt. 2024, 12345
Vc 2000 C2/6.2.3
WI 2024/6 in force from 1 July 2024
41,750 persons checked and 90 arrests; baseline 38,600 and 260
41750 checked, 250 refused
refusals of entry: 1 410 in the period, 150 in the baseline
the measure ran from 9 December 2024 to 9 June 2025 (six months)
the controls were prolonged on 14-05-2025 until 09-12-2025
decision of 27.10.2025 at 14.30 uur
hearing on 03/04/2025 at 09:15
born in 2009, applied in May 2025 at 15 years and 3 months
183 months at application, 216 months is 18 years
the procedure took 5 months and 12 days
EUR 1.250,00 per month; € 245,60 per week
a fine of EUR 5 000 for the carrier
budget of 12.500.000 euro for 2025
1.234.567 inhabitants
population 17 900 000
telephone interview on 12 March 2025 at 10:00
the applicant was heard by telephone on 05-06-2025 10:00
phone records were not examined
the client was heard with an interpreter
the applicant, a minor, was not heard
cliënt heeft geen paspoort of identiteitsbewijs overgelegd
de vreemdeling stelt minderjarig te zijn
the passport was not accepted as genuine
no passport number on file
the Court of Justice of the European Union
the Member State did not notify the Commission
Rechtbank Den Haag annulled the decision
Raad van State upheld the judgment
de Afdeling bestuursrechtspraak van de Raad van State
de staatssecretaris van Justitie en Veiligheid
Staatssecretaris van Justitie en Veiligheid v TQ
TQ v Staatssecretaris van Justitie en Veiligheid
Dienst Terugkeer en Vertrek (DT&V) investigated reception
Nidos is the guardian
IND decided on 27 October 2025
VluchtelingenWerk Nederland letter of April 2025
the Dutch amv policy of 8 April 2025
internal border controls at Zevenaar and Venlo
Ter Apel registration centre
COA reception in Budel
Yazidi, Sinjar district
Ashraf minority clan, Mogadishu
Afghan women (AH and FN)
country of return: SO
member state NL, decision 2025-10-27
as of 2025-11-15
Elgafaji sliding scale applied
Sufi and Elmi v the United Kingdom
Ilias and Ahmed v Hungary
Paposhvili v Belgium: access to treatment
Soering v the United Kingdom (1989)
Chahal v the United Kingdom, §§ 79-81
Saadi v Italy [GC]
Abdida, C-562/13, para 53
NW v Landespolizeidirektion Steiermark
LH v Staatssecretaris van Justitie en Veiligheid, C-921/19
X v International Protection Appeals Tribunal, C-756/21
CF and DN v Bundesrepublik Deutschland, C-901/19
Conference of European Churches v the Netherlands, Complaint No. 90/2013
FEANTSA v the Netherlands, 86/2012
CM/ResChS(2015)5
Art. 13§4 and Art. 31§2 of the Revised European Social Charter
Reg. 2024/1347 applies from 1 July 2026
E-000055/2025 answer of the Commission
Commission Implementing Decision (EU) 2025/315
2025D00810
para 117 (number not verified)
§§ 124-125
r.o. 5.3 en 5.4
the return decision was issued on the same day as the rejection
removal was postponed under Art. 64 Vw 2000
Art. 45(1) Vw 2000
Art. 31(6) Vw 2000 and Art. 4(5) QD
the permit runs from the decision date, not the application date
durable permit after 36 months as a minor
April 2025, June 2024, August 2023, May 2022
Grace period of 28 days
Hope of return is not a legal test
Will the State comply? Mark the date.
Justice and Home Affairs Council
General Court
Advocate General Szpunar
Opinion of AG Richard de la Tour
Grand Chamber, 23 August 2016
Sierra Leone, India, Georgia and Virginia are places
Sofia is the capital of Bulgaria
Jordan and Chad are countries
Victoria Station
Eritrea, Syria, Afghanistan, Somalia
Dublin transfer to Italy
Schengen Borders Code, Annex VI
Annex I. Dutch courts disagree
group A. The Court held
Section B. Member States shall
case law since 2015: penalty lawful
0 months, 6 months, 12 months, 24 months
between 12 and 18 months
age 15 (180 months) to 18 (216 months)
2 children aged 7 and 9
1st, 2nd and 3rd prolongation
Q1 2025: 9 December 2024 - 9 March 2025
period 2024-12-09/2025-03-09
version 2.0.28 of durable-rules
sha256 60e58cc9cf310170
https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:62019CJ0441
https://hudoc.echr.coe.int/eng?i=001-78986
https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:RVS:2022:1530
https://www.vluchtelingenwerk.nl/nl/nieuws
info at the IND website
@IND_NL on social media
de termijn van 28 dagen is overschreden
de beslistermijn van zes maanden
uitstel van vertrek (art. 64 Vw)
beschikbaarheid van adequate opvang is niet onderzocht
de minderjarige is bij binnenkomst 15 jaar en 3 maanden oud
geen voogd aangesteld tot 12-03-2025
het besluit van 27-10-2025 is ook het terugkeerbesluit
de zitting vond plaats op 4 november 2025 om 10.00 uur
betrokkene verklaart dat hij tot een minderheidsclan behoort
verzoeker heeft zijn identiteit niet aangetoond
de aanvraag is afgewezen als kennelijk ongegrond
""".strip().splitlines()


def negatives() -> list[str]:
    out = list(PROSE)
    for _ in range(60):  # dates and times in the notations people use
        d, m, y = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(1990, 2030)
        h, mi = rnd.randint(0, 23), rnd.choice([0, 15, 30, 45])
        out.append(rnd.choice([f"{d:02d}-{m:02d}-{y} {h:02d}:{mi:02d}", f"{y}-{m:02d}-{d:02d} {y + 1}-{m:02d}-{d:02d}",
                               f"{d:02d}.{m:02d}.{y}", f"{d:02d}/{m:02d}/{y} om {h:02d}.{mi:02d} uur", f"{y}-{m:02d}-{d:02d} {rnd.randint(1, 36)} months",
                               f"{d} {rnd.choice(['januari', 'maart', 'juni', 'oktober', 'May', 'July'])} {y}",
                               f"{y}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}", f"period {y}-{m:02d}-{d:02d} to {y}-{m:02d}-{d:02d}"]))
    for _ in range(40):  # amounts and counts
        n = rnd.randint(1000, 9_999_999_999)
        out.append(rnd.choice([f"EUR {n:,}".replace(",", "."), f"€ {n:,}".replace(",", " "), f"{n:,} persons".replace(",", " "),
                               f"{n} euro", f"{n:,} checks", f"USD {n:,}.00", f"{rnd.randint(1, 999)} {rnd.randint(100, 999)} {rnd.randint(100, 999)} {rnd.randint(100, 999)}"]))
    for _ in range(30):  # case numbers and citations
        out.append(rnd.choice([f"NL{rnd.randint(15, 25)}.{rnd.randint(1000, 99999)}", f"AWB {rnd.randint(15, 25)}/{rnd.randint(100, 99999)}",
                               f"ECLI:NL:RVS:{rnd.randint(2015, 2025)}:{rnd.randint(1, 4000)}", f"C-{rnd.randint(1, 999)}/{rnd.randint(10, 25)}",
                               f"no. {rnd.randint(1000, 99999)}/{rnd.randint(10, 25)}", f"Regulation (EU) {rnd.randint(2000, 2025)}/{rnd.randint(1, 3000)}",
                               f"Art. {rnd.randint(1, 99)}({rnd.randint(1, 9)})({rnd.choice('abcd')})"]))
    return out


def main() -> None:
    sections = {"bsn": bsns(90), "v_number": vnumbers(50), "phone": phones(120), "email": emails(60), "iban": ibans(50),
                "passport": passports(40), "name": names(140)}
    lines = ["# Personal data the anonymisation guard must refuse, by kind (made up: Faker, seeded; see make_corpus.py).",
             "# Each string is tried as a text value, in a YAML comment, and (numbers) as a plain number."]
    for kind, items in sections.items():
        lines.append(f"{kind}:")
        lines += [q(x) for x in dict.fromkeys(items)]
    lines.append("id:")
    lines += [q(x) for x in dict.fromkeys(ids(40))]
    (HERE / "positives.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    neg = ["# Texts the anonymisation guard must accept: dates, times, amounts, counts, ECLIs, case numbers, rule ids,",
           "# legal citations and legal prose (written in make_corpus.py; dates and amounts varied there)."]
    neg += [q(x) for x in dict.fromkeys(negatives())]
    (HERE / "negatives.yaml").write_text("\n".join(neg) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
