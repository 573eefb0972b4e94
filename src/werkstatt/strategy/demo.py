"""Demo processes (`werkstatt demo`): the two strategy workshops of the seeds.

- "StrategieWerkstatt: Industrie der ZUKUNFT" (November 2015 – November 2018, completed): the
  action fields the seeds name, the recommendations that came out of them with their
  discussions and the project office's answers.
- "ZukunftsWerkstatt INDUSTRIE" (from November 2018, seeds 003/004; its own space and the
  advisory board of network.demo). Its first two years follow the seeds: theses and topics,
  the fit check, a preselection by the advisory board, the prioritisation and the
  implementation concepts (2018–2020); since then it follows the implementation, and a second
  round brings in new topics and prioritises them now: its prioritisation phase runs today,
  whatever day the demo is built. Discussions with replies and reactions, a hidden comment with
  its report, an open report, a contribution awaiting pre-moderation, all in the audit trail.

Every discussion is written for its recommendation: replies answer their comment, and nothing
is dated in the future (except the phases still to come). The people are demo accounts
(beteiligte-NN@ in the demo account domain), members of fictitious demo organisations; real
institutions appear as organisations only (never with an invented person speaking for them).
Seeded and reproducible; deleted by delete_demo().
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from werkstatt.accounts.models import Space, SpaceRole
from werkstatt.network.demo import (
    ACCOUNT_DOMAIN,
    BOARD_SPACE,
    DEMO_PASSWORD,
    PROCESS_SPACE,
    demo_organisations,
)
from werkstatt.network.models import (
    Organisation,
    OrganisationMembership,
    Region,
    SearchTerm,
    Sector,
)

from .models import (
    ActionField,
    Comment,
    CommentReaction,
    ModerationAction,
    Phase,
    Process,
    Recommendation,
    Report,
)
from .services import search

Report_ = Callable[[str], None]
STRATEGY_SLUG = "strategiewerkstatt-industrie-der-zukunft"
FUTURE_SLUG = PROCESS_SPACE[0]
PARTICIPANT_PREFIX = "beteiligte-"
PARTICIPANTS = 14
Status = Recommendation.Status
D = datetime.date

FIRST_NAMES = (
    "Anke Friedrich", "Ronny Lehmann", "Sandra Hähnel", "Mirko Baumann", "Claudia Wendt",
    "Steffen Kühn", "Daniela Pohl", "Heiko Martin", "Yvonne Richter", "Falk Engelmann",
    "Manja Schubert", "Tobias Neumann", "Ines Vogel", "Enrico Seidel",
)  # fmt: skip

ACTION_FIELDS = (
    (
        "Digitalisierung",
        "Industrie 4.0 im Mittelstand: vernetzte Produktion, Daten, IT-Sicherheit.",
    ),
    (
        "Kooperation und Cross-Innovation",
        "Kooperation der kleinteiligen Industrie untereinander und mit der Kultur- und "
        "Kreativwirtschaft, FabLabs und MakerSpaces als offene Werkstätten.",
    ),
    ("Aus- und Weiterbildung", "Fachkräfte für die Industrie der Zukunft qualifizieren."),
    (
        "Infrastruktur",
        "Breitband, Verkehr, Flächen und Energie für die industrielle Wertschöpfung.",
    ),
    ("Demografischer Wandel", "Risiken und Chancen einer alternden und schrumpfenden Belegschaft."),
    (
        "Weiche Standortfaktoren",
        "Internationalität und Weltoffenheit, Innovationskultur und Risikobereitschaft.",
    ),
    (
        "Innovation und Transfer",
        "Regionale Innovationspotenziale stärken, Transfer wissenschaftlicher Exzellenz in die "
        "Praxis.",
    ),
)

# (action field index, kind, title, text, status, answer, districts)
STRATEGY_RECOMMENDATIONS = (
    (0, "recommendation", "Digitalisierungslotsen für kleine Zulieferbetriebe",
     "Viele Betriebe mit weniger als 50 Beschäftigten haben niemanden, der sich um die "
     "Vernetzung von Maschinen und Daten kümmern kann. Regionale Digitalisierungslotsen sollen "
     "Betriebe besuchen, den Stand aufnehmen und passende Förderprogramme und Partner nennen.",
     Status.ACCEPTED, "Aufgenommen in die Leitlinien (Leitlinie 2: Digitale Wertschöpfung).", ()),
    (0, "recommendation", "IT-Sicherheit als Teil der Industrie-4.0-Förderung",
     "Wer Produktionsanlagen vernetzt, öffnet sie auch für Angriffe. Förderprogramme sollen "
     "eine Basisprüfung der IT-Sicherheit verlangen und bezuschussen.",
     Status.ACCEPTED, "", ()),
    (1, "recommendation", "Maschinenbau trifft Kreativwirtschaft: Cross-Innovation-Werkstätten",
     "Regelmäßige Werkstätten, in denen Designerinnen, Spieleentwickler und Ingenieure an "
     "echten Aufgaben von Zulieferern arbeiten, sollen neue Produkte und Geschäftsmodelle "
     "anstoßen.",
     Status.IMPLEMENTED, "Umgesetzt als Veranstaltungsreihe gemeinsam mit dem Landesverband "
     "der Kultur- und Kreativwirtschaft.", ("14511", "14612")),
    (1, "recommendation", "FabLabs als offene Werkstätten für KMU öffnen",
     "FabLabs in Dresden und Chemnitz sollen feste Zeiten und Ansprechpartner für kleine "
     "Betriebe anbieten, die Prototypen mit 3D-Druck oder Lasercutter bauen wollen.",
     Status.IN_IMPLEMENTATION, "", ("14511", "14612")),
    (2, "recommendation", "Weiterbildungsverbünde für Industrie 4.0",
     "Kleine Betriebe können einzeln keine Weiterbildung zu Robotik und Datenanalyse "
     "organisieren. Verbünde mehrerer Betriebe mit Berufsschulen und Hochschulen schon.",
     Status.ACCEPTED, "", ()),
    (3, "recommendation", "Glasfaser in jedes Gewerbegebiet bis 2025",
     "Ohne schnelles Netz kein Datenaustausch mit Kunden und keine Fernwartung. Gewerbegebiete "
     "im ländlichen Raum sollen beim Breitbandausbau Vorrang bekommen.",
     Status.ACCEPTED, "", ("14521", "14523", "14627")),
    (4, "recommendation", "Wissen älterer Fachkräfte sichern",
     "Bevor die geburtenstarken Jahrgänge in Rente gehen, soll ihr Erfahrungswissen in "
     "Tandems mit Jüngeren und in digitalen Anleitungen festgehalten werden.",
     Status.ACCEPTED, "", ()),
    (5, "thesis", "Ohne Weltoffenheit keine Fachkräfte aus dem Ausland",
     "Sachsens Industrie wird ihren Bedarf an Fachkräften nicht ohne Zuwanderung decken. "
     "Das gelingt nur in Regionen, in denen sich Menschen aus dem Ausland willkommen fühlen.",
     Status.ACCEPTED, "Eingeflossen in Leitlinie 5: Offenheit als Standortfaktor.", ()),
    (6, "recommendation", "Transferscouts an den Hochschulen",
     "Transferscouts sollen Forschungsergebnisse der Hochschulen und Institute aktiv zu "
     "passenden Unternehmen der Region tragen, statt darauf zu warten, gefragt zu werden.",
     Status.IMPLEMENTED, "", ("14511", "14612", "14713")),
)  # fmt: skip

# The first round of the ZukunftsWerkstatt (2018–2019): (action field, kind, title, text, status
# after the prioritisation of 2020, districts). In implementation/implemented: the monitoring
# demo writes their implementation concepts.
FUTURE_RECOMMENDATIONS = (
    (0, "recommendation", "Regionale Anlaufstellen für Industrie 4.0 in jedem Landkreis",
     "Die Digitalisierungslotsen aus der StrategieWerkstatt sollen in jedem Landkreis eine feste "
     "Anlaufstelle bekommen, bei Kammern oder Wirtschaftsförderungen angesiedelt.",
     Status.IN_IMPLEMENTATION, ("14521", "14522", "14523")),
    (0, "thesis", "Datenräume sind für KMU wichtiger als eigene KI-Projekte",
     "Kleine Zulieferer profitieren mehr davon, Daten sicher mit ihren Kunden zu teilen, als "
     "davon, eigene KI-Modelle zu entwickeln. Die Förderung sollte sich danach richten.",
     Status.ACCEPTED, ()),
    (1, "recommendation", "Zuliefernetzwerke für gemeinsame Angebote",
     "Kleine Betriebe sollen sich zu Konsortien zusammenschließen, um gemeinsam Aufträge "
     "anzubieten, die keiner allein stemmen kann – vom Drehen bis zur Beschichtung.",
     Status.IN_IMPLEMENTATION, ("14511", "14521")),
    (1, "recommendation", "Kreativgutscheine für Produktentwicklung",
     "Ein Gutschein, mit dem ein Industriebetrieb die Leistung eines Designbüros oder einer "
     "Agentur bei der Entwicklung eines neuen Produkts bezahlen kann.",
     Status.ACCEPTED, ("14612", "14713")),
    (2, "recommendation", "Überbetriebliche Ausbildungswerkstätten für Mechatronik",
     "Viele Betriebe bilden nicht aus, weil ihnen die Ausstattung fehlt. Überbetriebliche "
     "Werkstätten im ländlichen Raum schließen diese Lücke.",
     Status.IN_IMPLEMENTATION, ("14522", "14523", "14625")),
    (2, "thesis", "Die duale Ausbildung allein reicht für Industrie 4.0 nicht mehr",
     "Berufsbilder ändern sich schneller, als Ausbildungsordnungen angepasst werden. "
     "Beschäftigte brauchen einen Anspruch auf Weiterbildung während des ganzen Berufslebens.",
     Status.ACCEPTED, ()),
    (3, "recommendation", "Gewerbeflächen an der Schiene entwickeln",
     "Neue Industrieflächen sollen dort entstehen, wo ein Gleisanschluss möglich ist, um "
     "Transporte auf die Schiene zu bringen und Pendelwege zu verkürzen.",
     Status.DECLINED, ("14729", "14730")),
    (4, "recommendation", "Betriebsnachfolge früh begleiten",
     "In den nächsten Jahren suchen tausende Betriebe eine Nachfolge. Kammern und Banken sollen "
     "Inhaberinnen und Inhaber ab 55 aktiv ansprechen und Übergaben begleiten.",
     Status.IN_IMPLEMENTATION, ("14521", "14522", "14523", "14524")),
    (5, "thesis", "Weiche Standortfaktoren entscheiden über den ländlichen Raum",
     "Kita-Plätze, Bahnanschluss und ein offenes Klima halten Fachkräfte eher in der Region als "
     "ein höheres Gehalt.",
     Status.ACCEPTED, ("14625", "14626", "14627")),
    (6, "recommendation", "Transferprojekte mit kleinen Betrieben vereinfachen",
     "Anträge für gemeinsame Forschungsprojekte von Hochschulen und KMU sollen kürzer werden; "
     "kleine Projekte bis 50.000 Euro mit einer Skizze von zwei Seiten.",
     Status.IMPLEMENTED, ()),
    (6, "recommendation", "Testfelder für autonome Logistik in Industriegebieten",
     "Fahrerlose Transportsysteme zwischen benachbarten Betrieben eines Industriegebiets "
     "erproben, gemeinsam mit Forschungsinstituten.",
     Status.ACCEPTED, ("14612", "14713")),
)  # fmt: skip

# The second round, proposed in the last months and being prioritised now.
SECOND_ROUND = (
    (0, "Cybersicherheit in der Lieferkette gemeinsam prüfen",
     "Zulieferer sollen eine Prüfung ihrer IT-Sicherheit einmal machen und mit mehreren Kunden "
     "teilen können, statt für jeden Kunden einen eigenen Fragebogen auszufüllen.",
     ("14511", "14612")),
    (4, "Anerkennungslotsen für Fachkräfte aus dem Ausland",
     "Ein Lotse je Landkreis begleitet Betriebe und Fachkräfte durch die Anerkennung "
     "ausländischer Abschlüsse und hält Kontakt zu den zuständigen Stellen.",
     ("14625", "14626", "14627")),
    (3, "Energie im Gewerbegebiet gemeinsam erzeugen und nutzen",
     "Betriebe eines Gewerbegebiets erzeugen und speichern Strom gemeinsam; die Abwärme des "
     "einen heizt die Hallen des anderen.",
     ("14521", "14729")),
    (6, "Reallabore für die Kreislaufwirtschaft",
     "Hersteller, Entsorger und Forschung erproben in einer Region, wie Bauteile aus alten "
     "Maschinen aufbereitet und wieder eingesetzt werden.",
     ()),
)  # fmt: skip

BOARD_THESES = (
    (1, "Die Förderung sollte Kooperationen statt Einzelbetriebe bevorzugen",
     "Der Begleitkreis schlägt vor, Zuschüsse für Verbundvorhaben höher anzusetzen als für "
     "Einzelvorhaben, um die Kleinteiligkeit der Industrie zu überwinden."),
    (2, "Weiterbildungszeit tarifvertraglich absichern",
     "Zur Diskussion im Begleitgremium: Freistellung für Weiterbildung zu Industrie-4.0-Themen "
     "als Bestandteil von Tarifverträgen."),
)  # fmt: skip

# The discussions, per recommendation: (speaker, text, replies). Speakers: "A" the author of
# the recommendation, "O" the project office, "X", "Y", "Z" three other participants (chosen
# per discussion). Replies answer the comment they belong to.
Thread = tuple[str, str, tuple[Any, ...]]
THREADS: dict[str, tuple[Thread, ...]] = {
    "Digitalisierungslotsen für kleine Zulieferbetriebe": (
        ("X", "Wir sind ein Drehteile-Zulieferer mit 35 Leuten im Erzgebirge. Genau so jemanden "
         "hätten wir gebraucht, als wir die erste Maschine ans Netz gebracht haben.", (
            ("A", "Danke, genau solche Fälle meinen wir. Was hätte Ihnen damals am meisten "
             "geholfen: Beratung vor Ort oder Kontakte zu Anbietern?", (
                ("X", "Beratung vor Ort. Anbieter kommen von selbst, aber jemand Neutrales, der "
                 "mit uns den Bedarf aufschreibt, hat gefehlt.", ()),
            )),
        )),
        ("Y", "Die Lotsen sollten bei Kammern oder Wirtschaftsförderungen sitzen, nicht bei "
         "Beratungsfirmen, die danach etwas verkaufen wollen.", (
            ("O", "Das nehmen wir so in die Arbeitsgruppe Digitalisierung mit.", ()),
        )),
    ),
    "IT-Sicherheit als Teil der Industrie-4.0-Förderung": (
        ("X", "Eine Basisprüfung ja, aber bitte nach einem festen Katalog. Sonst bezahlen wir "
         "für jedes Förderprogramm eine andere Prüfung.", (
            ("Y", "Ein Grundschutz-Check für kleine Betriebe wäre ein Anfang; manche Kammern "
             "bieten so etwas schon an.", ()),
        )),
        ("Z", "Bei uns kam ein Angriff über den Fernwartungszugang eines Maschinenlieferanten. "
         "Das muss die Prüfung unbedingt abdecken.", ()),
    ),
    "Maschinenbau trifft Kreativwirtschaft: Cross-Innovation-Werkstätten": (
        ("X", "Wir waren bei einer Werkstatt in Leipzig dabei. Zwei Designstudentinnen haben "
         "unsere Bedienoberfläche in zwei Tagen verständlicher gemacht als wir in zwei Jahren.", (
            ("A", "Das freut uns sehr. Dürfen wir Ihr Beispiel auf der Strategiekonferenz "
             "erzählen?", (
                ("X", "Gern, ich kläre das noch mit unserer Geschäftsführung.", ()),
            )),
        )),
        ("Y", "Wer bezahlt die Kreativen für ihre Zeit? Unentgeltlich geht das nicht lange gut.",
         ()),
    ),
    "FabLabs als offene Werkstätten für KMU öffnen": (
        ("X", "Wir würden uns als FabLab gern beteiligen. Vormittags unter der Woche haben wir "
         "freie Kapazitäten.", (
            ("Y", "Gibt es eine Einweisung für die Geräte? Beim Lasercutter hätten wir "
             "Bedenken wegen der Haftung.", (
                ("X", "Ja, jede Nutzung setzt eine Einweisung voraus; die Haftung regelt unsere "
                 "Nutzungsordnung.", ()),
            )),
        )),
        ("Z", "Für Betriebe weit weg von Dresden und Chemnitz ist der Weg zu lang. Mobile "
         "Angebote wären gut.", ()),
    ),
    "Weiterbildungsverbünde für Industrie 4.0": (
        ("X", "Eine Berufsschule im Vogtland macht das schon mit drei Betrieben. Die "
         "Erfahrungen sollten einfließen.", (
            ("O", "Danke für den Hinweis, wir laden die Schule zur nächsten Arbeitsgruppe ein.",
             ()),
        )),
        ("Y", "Entscheidend ist, dass die Freistellung der Beschäftigten mitfinanziert wird. "
         "Sonst schicken kleine Betriebe niemanden.", ()),
    ),
    "Glasfaser in jedes Gewerbegebiet bis 2025": (
        ("X", "Unser Gewerbegebiet in Mittelsachsen hat 16 Mbit/s. Fernwartung unserer Anlagen "
         "ist so kaum möglich.", ()),
        ("Y", "Der Ausbau scheitert oft an den letzten Metern auf dem eigenen Grundstück. Dafür "
         "braucht es eine Lösung.", (
            ("Z", "Stimmt, bei uns hat der Anschluss am Ende mehr gekostet als die Leitung bis "
             "zum Tor.", ()),
        )),
    ),
    "Wissen älterer Fachkräfte sichern": (
        ("X", "Bei uns gehen in fünf Jahren acht von zwanzig Meistern in Rente. Mit Tandems "
         "haben wir schon begonnen.", (
            ("A", "Wie finden Sie im laufenden Betrieb die Zeit für die Tandems?", (
                ("X", "Eine Stunde pro Woche steht fest im Schichtplan. Mehr geht im Moment "
                 "nicht.", ()),
            )),
        )),
        ("Y", "Digitale Anleitungen helfen nur, wenn jemand sie pflegt. Das gehört in eine "
         "Stellenbeschreibung.", ()),
    ),
    "Ohne Weltoffenheit keine Fachkräfte aus dem Ausland": (
        ("X", "Unsere Kollegen aus Polen und Vietnam bleiben, weil sie sich im Ort wohlfühlen, "
         "nicht wegen des Gehalts.", ()),
        ("Y", "Die These stimmt, aber die Betriebe können das Klima im Ort nur begrenzt "
         "beeinflussen.", (
            ("Z", "Sie können viel tun: Patenschaften, Hilfe bei Behördengängen, Sprachkurse in "
             "der Arbeitszeit.", ()),
        )),
    ),
    "Transferscouts an den Hochschulen": (
        ("X", "Die Scouts sollten auch an die Hochschulen für angewandte Wissenschaften, nicht "
         "nur an die Universitäten.", (
            ("O", "Ja, die Empfehlung schließt sie ausdrücklich ein.", ()),
        )),
        ("Y", "Für einen kleinen Betrieb wäre ein fester Ansprechpartner je Region wichtiger als "
         "ein Scout je Hochschule.", ()),
    ),
    "Regionale Anlaufstellen für Industrie 4.0 in jedem Landkreis": (
        ("X", "Im Landkreis Bautzen gibt es bei der Wirtschaftsförderung schon eine halbe Stelle "
         "dafür. Darauf sollte man aufbauen.", (
            ("O", "Danke, genau solche Stellen suchen wir: bestehende, die sich erweitern "
             "lassen.", ()),
        )),
        ("Y", "Wer soll das dauerhaft bezahlen? Projekte, die nach drei Jahren enden, helfen "
         "wenig.", (
            ("A", "Gedacht ist eine Finanzierung durch Land und Landkreis zu gleichen Teilen, "
             "ohne Befristung.", (
                ("Y", "Das wäre ein echter Fortschritt. Dann sollte es auch so in der Empfehlung "
                 "stehen.", ()),
            )),
        )),
    ),
    "Datenräume sind für KMU wichtiger als eigene KI-Projekte": (
        ("X", "Zustimmung. Unsere Kunden aus der Automobilindustrie verlangen ohnehin, dass wir "
         "Daten mit ihnen austauschen.", ()),
        ("Y", "Das eine schließt das andere nicht aus. Ohne eigene Daten gibt es auch nichts zu "
         "teilen.", (
            ("X", "Richtig, aber die Reihenfolge zählt: erst die eigenen Daten ordnen, dann über "
             "KI nachdenken.", ()),
        )),
    ),
    "Zuliefernetzwerke für gemeinsame Angebote": (
        ("X", "Regionale Netzwerke zeigen, dass es geht: Gemeinsam bieten die Betriebe ganze "
         "Baugruppen statt Einzelteile an.", ()),
        ("Y", "Das Schwierigste ist die Haftung: Wer steht gegenüber dem Kunden gerade, wenn "
         "ein Partner ausfällt?", (
            ("A", "Darum schlagen wir eine Vorlage für Konsortialverträge vor, die die Kammern "
             "prüfen.", ()),
        )),
    ),
    "Kreativgutscheine für Produktentwicklung": (
        ("X", "Als Designbüro sehen wir oft, dass Betriebe den ersten Schritt scheuen. Ein "
         "Gutschein senkt die Hürde.", ()),
        ("Y", "Bitte den Eigenanteil nicht zu hoch ansetzen, sonst nutzen es wieder nur die "
         "Großen.", ()),
    ),
    "Überbetriebliche Ausbildungswerkstätten für Mechatronik": (
        ("X", "Im Erzgebirgskreis würden wir sofort zwei Auszubildende schicken, wenn die "
         "Werkstatt erreichbar ist.", (
            ("A", "Welche Entfernung wäre für Ihre Auszubildenden noch machbar?", (
                ("X", "Mit dem Bus höchstens 45 Minuten. Sonst sind die Jugendlichen nach der "
                 "Probezeit weg.", ()),
            )),
        )),
        ("Y", "Die Berufsschulzentren haben oft ungenutzte Werkstatträume. Warum nicht dort?",
         ()),
    ),
    "Die duale Ausbildung allein reicht für Industrie 4.0 nicht mehr": (
        ("X", "Einige Ausbildungsordnungen wurden schon modernisiert. Das Problem ist eher die "
         "Umsetzung in den Betrieben.", ()),
        ("Y", "Ein Anspruch auf Weiterbildung ohne Finanzierung bleibt Papier.", (
            ("Z", "Deshalb gehören Weiterbildungszeiten in die Tarifverträge.", ()),
        )),
    ),
    "Gewerbeflächen an der Schiene entwickeln": (
        ("X", "Gleisanschlüsse werden eher stillgelegt als neu gebaut. Ohne Förderung für "
         "Anschlussgleise wird das nichts.", ()),
        ("Y", "In der Lausitz gibt es alte Flächen mit Gleis. Die sollten zuerst geprüft "
         "werden.", ()),
    ),
    "Betriebsnachfolge früh begleiten": (
        ("X", "Ich bin 61 und suche seit drei Jahren eine Nachfolge für meinen Betrieb. Eine "
         "Begleitung ab 55 wäre richtig gewesen.", (
            ("O", "Danke, dass Sie das teilen. Wir bringen Sie mit der Nachfolgeberatung Ihrer "
             "Kammer zusammen.", ()),
        )),
        ("Y", "Auch eine Übernahme durch die Belegschaft sollte als Nachfolge beraten werden.",
         ()),
    ),
    "Weiche Standortfaktoren entscheiden über den ländlichen Raum": (
        ("X", "Unsere Ingenieurin ist zurück ins Vogtland gezogen, weil es dort einen Kita-Platz "
         "gab. So einfach ist das manchmal.", ()),
        ("Y", "Ohne gute Bezahlung helfen auch Kitas nicht. Beides gehört zusammen.", ()),
    ),
    "Transferprojekte mit kleinen Betrieben vereinfachen": (
        ("X", "Zwei Seiten Skizze wären ein Traum. Unser letzter Antrag hatte 60 Seiten und zehn "
         "Monate Bearbeitungszeit.", (
            ("Y", "Aus Sicht der Hochschule: Kurze Projekte brauchen auch eine kurze Bewilligung, "
             "sonst ist der Betrieb wieder weg.", ()),
        )),
    ),
    "Testfelder für autonome Logistik in Industriegebieten": (
        ("X", "Wer haftet, wenn ein fahrerloses Fahrzeug auf öffentlicher Straße zwischen zwei "
         "Betrieben unterwegs ist?", (
            ("O", "Das klären wir mit dem Verkehrsministerium, bevor ein Testfeld ausgewählt "
             "wird.", ()),
        )),
    ),
    "Cybersicherheit in der Lieferkette gemeinsam prüfen": (
        ("X", "Wir füllen jedes Jahr sechs verschiedene Fragebögen aus, die alle dasselbe "
         "fragen. Eine gemeinsame Prüfung spart uns Wochen.", (
            ("A", "Genau darum geht es. Welche Kunden verlangen bei Ihnen die Fragebögen?", (
                ("X", "Vor allem Automobil- und Medizintechnikkunden.", ()),
            )),
        )),
    ),
    "Anerkennungslotsen für Fachkräfte aus dem Ausland": (
        ("X", "Bei uns hat die Anerkennung eines Schweißers aus der Ukraine ein Jahr gedauert. "
         "Ein Lotse hätte viel Zeit gespart.", ()),
        ("Y", "Die Lotsen sollten auch die Familien im Blick haben: Wohnung, Kita, Schule.", ()),
    ),
    "Energie im Gewerbegebiet gemeinsam erzeugen und nutzen": (
        ("X", "Unsere Härterei hat viel Abwärme, die wir nicht nutzen. Der Nachbar heizt mit "
         "Gas.", (
            ("Y", "Dafür braucht es ein Wärmenetz im Gebiet. Wer soll das betreiben?", (
                ("X", "Zum Beispiel die Stadtwerke, mit den Betrieben als Anteilseignern.", ()),
            )),
        )),
    ),
    "Reallabore für die Kreislaufwirtschaft": (
        ("X", "Aufbereitete Bauteile brauchen eine Gewährleistung, sonst setzt sie niemand "
         "ein.", ()),
    ),
    "Die Förderung sollte Kooperationen statt Einzelbetriebe bevorzugen": (
        ("O", "Für die Sitzung im Februar bereiten wir Zahlen zu bisherigen Verbundvorhaben "
         "vor.", ()),
    ),
}  # fmt: skip

# The project office's answers to the ZukunftsWerkstatt's first round (the StrategieWerkstatt's
# are in STRATEGY_RECOMMENDATIONS).
ANSWERS = {
    "Regionale Anlaufstellen für Industrie 4.0 in jedem Landkreis":
        "Vielen Dank für die Empfehlung. Das Projektbüro hat sie mit den Wirtschaftsförderungen "
        "der Landkreise besprochen; drei Landkreise beginnen mit einer Pilotphase.",
    "Gewerbeflächen an der Schiene entwickeln":
        "Wird nicht weiterverfolgt: Die Prüfung hat gezeigt, dass geeignete Flächen mit "
        "Gleisanschluss in den genannten Landkreisen fehlen. Das Thema geht an die "
        "Landesentwicklungsplanung.",
    "Transferprojekte mit kleinen Betrieben vereinfachen":
        "Umgesetzt: Seit 2021 gibt es ein vereinfachtes Verfahren mit Projektskizze für kleine "
        "Transferprojekte.",
}  # fmt: skip
RUDE = "Das ist doch wieder nur Papier für die Schublade, typisch Ministerium!!!"
ADVERT = "Wir bieten genau diese Prüfungen an, zum Festpreis und in einer Woche. Schreiben Sie uns!"


def _participants(rng: random.Random) -> list[Any]:
    """Demo accounts who take part, each an active member of a fictitious demo organisation."""
    user_model = get_user_model()
    kinds = [
        Organisation.Kind.COMPANY,
        Organisation.Kind.ASSOCIATION,
        Organisation.Kind.FABLAB,
        Organisation.Kind.CREATIVE,
        Organisation.Kind.NETWORK,
    ]
    organisations = list(
        demo_organisations().filter(kind__in=kinds).order_by("pk").only("pk", "name", "kind")[:400]
    )
    password = make_password(DEMO_PASSWORD)
    users = []
    for n, name in enumerate(FIRST_NAMES[:PARTICIPANTS], start=1):
        email = f"{PARTICIPANT_PREFIX}{n:02d}@{ACCOUNT_DOMAIN}"
        user, _ = user_model.objects.get_or_create(
            email=email, defaults={"name": name, "password": password, "is_active": True}
        )
        if organisations:
            org = rng.choice(organisations)
            OrganisationMembership.objects.get_or_create(
                user=user,
                organisation=org,
                defaults={
                    "role": OrganisationMembership.Role.MEMBER,
                    "status": OrganisationMembership.Status.ACTIVE,
                },
            )
            user.demo_organisation = org
        else:
            user.demo_organisation = None
        users.append(user)
    return users


def _space(slug: str, name: str, kind: str = Space.Kind.PROCESS) -> Space:
    space, _ = Space.objects.get_or_create(slug=slug, defaults={"kind": kind, "name": name})
    return space


def _user(local: str) -> Any:
    return get_user_model().objects.filter(email=f"{local}@{ACCOUNT_DOMAIN}").first()


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _fields(process: Process) -> list[ActionField]:
    return [
        ActionField.objects.create(process=process, name=name, description=text, order=i)
        for i, (name, text) in enumerate(ACTION_FIELDS)
    ]


def _phases(process: Process, spec: tuple[Any, ...]) -> list[Phase]:
    return [
        Phase.objects.create(
            process=process, order=i, name=name, description=text, start_date=start,
            end_date=end, visibility=visibility, **allowed,
        )
        for i, (name, text, start, end, allowed, visibility) in enumerate(spec)
    ]  # fmt: skip


def _recommendation(
    process: Process,
    phase: Phase | None,
    author: Any,
    field: ActionField,
    kind: str,
    title: str,
    text: str,
    status: str,
    regions: list[Region],
    sectors: list[Sector],
    created: datetime.datetime,
    **extra: Any,
) -> Recommendation:
    rec = Recommendation(
        process=process,
        phase=phase,
        kind=kind,
        title=title,
        text=text,
        author=author,
        author_organisation=getattr(author, "demo_organisation", None),
        status=status,
        **extra,
    )
    rec._history_user = author  # type: ignore[attr-defined]
    rec.save()
    rec.action_fields.add(field)
    if regions:
        rec.regions.add(*regions)
    if sectors:
        rec.sectors.add(*sectors)
    Recommendation.objects.filter(pk=rec.pk).update(created=created, modified=created)
    rec.history.update(history_date=created)  # type: ignore[attr-defined]
    rec.created = rec.modified = created  # the row's dates, not the moment of the save
    return rec


def _log(
    process: Process, actor: Any, kind: str, when: datetime.datetime, **fields: Any
) -> ModerationAction:
    rec, comment = fields.get("recommendation"), fields.get("comment")
    target = comment.text if comment is not None else (rec.title if rec is not None else "")
    action = ModerationAction.objects.create(
        process=process, actor=actor, kind=kind, target_label=target[:200], **fields
    )
    ModerationAction.objects.filter(pk=action.pk).update(created=when)
    return action


class _Discussion:
    """Writes the discussions of one process: comments dated after their recommendation (and
    after their parent), before `until` and never in the future; reactions a little later."""

    def __init__(self, people: list[Any], office: Any, rng: random.Random) -> None:
        self.people, self.office, self.rng = people, office, rng
        self.now = timezone.now() - datetime.timedelta(hours=1)
        self.comments: dict[str, list[Comment]] = {}

    def write(self, rec: Recommendation, until: datetime.datetime, days: int = 60) -> None:
        threads = THREADS.get(rec.title, ())
        if not threads:
            return
        others = [p for p in self.people if p.pk != rec.author_id]
        cast = dict(zip("XYZ", self.rng.sample(others, 3), strict=True))
        cast["A"] = rec.author or cast["Z"]
        cast["O"] = self.office or cast["Z"]
        flat: list[tuple[int, str, str]] = []  # (parent index or -1, speaker, text), in order

        def walk(nodes: tuple[Any, ...], parent: int) -> None:
            for speaker, text, replies in nodes:
                flat.append((parent, speaker, text))
                walk(replies, len(flat) - 1)

        walk(threads, -1)
        start = rec.created + datetime.timedelta(hours=20)
        end = min(until, self.now, rec.created + datetime.timedelta(days=days))
        span = max((end - start).total_seconds(), 3600.0)
        moments = sorted(self.rng.uniform(0, span) for _ in flat)
        made: list[Comment] = []
        for (parent, speaker, text), offset in zip(flat, moments, strict=True):
            when = start + datetime.timedelta(seconds=offset)
            comment = Comment.objects.create(
                recommendation=rec,
                parent=made[parent] if parent >= 0 else None,
                author=cast[speaker],
                text=text,
            )
            Comment.objects.filter(pk=comment.pk).update(created=when, modified=when)
            comment.created = when
            made.append(comment)
            if parent < 0:
                self.react(comment, min(end, self.now))
        self.comments[rec.title] = made

    def react(self, comment: Comment, until: datetime.datetime) -> None:
        for reactor in self.rng.sample(self.people, k=self.rng.randint(0, 4)):
            if reactor.pk == comment.author_id:
                continue
            reaction = CommentReaction.objects.create(
                comment=comment,
                user=reactor,
                kind=self.rng.choice(["agree", "agree", "helpful", "disagree"]),
            )
            later = comment.created + datetime.timedelta(hours=self.rng.randint(1, 72))
            when = max(min(until, later), comment.created)
            CommentReaction.objects.filter(pk=reaction.pk).update(created=when)


def _answer(
    process: Process, rec: Recommendation, office: Any, when: datetime.datetime, answer: str = ""
) -> None:
    answer = answer or ANSWERS.get(rec.title, "")
    if not answer:
        return
    Recommendation.objects.filter(pk=rec.pk).update(
        answer=answer, answered_by=office, answered_at=when
    )
    _log(process, office, ModerationAction.Kind.ANSWER, when, recommendation=rec, reason=answer)


def _strategy_werkstatt(people: list[Any], office: Any, rng: random.Random) -> Process:
    process = Process.objects.create(
        space=_space(STRATEGY_SLUG, "StrategieWerkstatt: Industrie der ZUKUNFT"),
        slug=STRATEGY_SLUG,
        title="StrategieWerkstatt: Industrie der ZUKUNFT",
        summary="Grundzüge und Leitlinien einer sächsischen Industriestrategie, gemeinsam mit "
        "Industrie, Gewerkschaften, Kammern und Verbänden erarbeitet.",
        description=(
            "Die vom sächsischen Wirtschaftsministerium initiierte StrategieWerkstatt hat in "
            "einem rund dreijährigen Werkstattprozess Grundzüge einer sächsischen "
            "Industriestrategie entwickelt und Handlungsempfehlungen erarbeitet. Sie bildete "
            "die Plattform für einen offenen Kommunikationsprozess der Wirtschaft, Wissenschaft, "
            "Verbände, Netzwerke und Sozialpartner.\n\nAm 7. März 2017 stellte sie ihre "
            "Zwischenergebnisse auf der Strategiekonferenz zu den Leipziger Messen Z und Intec "
            "vor. Der Prozess endete im November 2018; seine Empfehlungen prüft und priorisiert "
            "nun die ZukunftsWerkstatt INDUSTRIE."
        ),
        organiser="Sächsisches Staatsministerium für Wirtschaft, Arbeit und Verkehr",
        start_date=D(2015, 11, 1),
        end_date=D(2018, 11, 30),
        status=Process.Status.COMPLETED,
        moderation=Process.Moderation.POST,
        is_public=True,
        open_to_join=False,
    )
    public = Phase.Visibility.PUBLIC
    phases = _phases(process, (
        ("Auftakt und Themenfindung",
         "Industrie, Gewerkschaften, Kammern und Verbände bringen Themen ein.",
         D(2015, 11, 1), D(2016, 6, 30), dict(allows_propose=True, allows_comment=True), public),
        ("Handlungsfelder vertiefen",
         "Arbeitsgruppen je Handlungsfeld formulieren Handlungsempfehlungen.",
         D(2016, 7, 1), D(2017, 3, 7), dict(allows_propose=True, allows_comment=True), public),
        ("Strategiekonferenz und Diskussion",
         "Die Zwischenergebnisse werden auf der Strategiekonferenz in Leipzig vorgestellt und "
         "diskutiert.",
         D(2017, 3, 8), D(2018, 6, 30), dict(allows_comment=True), public),
        ("Leitlinien und Abschluss",
         "Die Empfehlungen fließen in die industriepolitischen Leitlinien ein.",
         D(2018, 7, 1), D(2018, 11, 30), dict(allows_comment=True), public),
    ))  # fmt: skip
    fields = _fields(process)
    regions = {r.code: r for r in Region.objects.all()}
    talk = _Discussion(people, office, rng)
    close = _aware(D(2018, 11, 30), 18)
    for i, (field, kind, title, text, status, answer, codes) in enumerate(STRATEGY_RECOMMENDATIONS):
        phase = phases[i % 2]
        created = _aware(phase.start_date + datetime.timedelta(days=20 + 13 * i))
        rec = _recommendation(
            process, phase, people[i % len(people)], fields[field], kind, title, text, status,
            [regions[c] for c in codes if c in regions], [], created,
        )  # fmt: skip
        talk.write(rec, close, days=120)
        _answer(process, rec, office, _aware(D(2018, 10, 15)), answer)
    for user in people:
        SpaceRole.objects.get_or_create(user=user, space=process.space, role=SpaceRole.Role.MEMBER)
    return process


def _zukunfts_werkstatt(people: list[Any], accounts: dict[str, Any], rng: random.Random) -> Process:
    today = timezone.localdate()
    board = Space.objects.filter(slug=BOARD_SPACE[0]).first()
    # The second round runs around today: new topics until six weeks ago, the prioritisation
    # now, the implementation concepts after it.
    round_two = today - datetime.timedelta(days=150)
    prioritise = today - datetime.timedelta(days=45)
    concepts = today + datetime.timedelta(days=76)
    end = today + datetime.timedelta(days=240)
    process = Process.objects.create(
        space=_space(*PROCESS_SPACE),
        board_space=board,
        slug=FUTURE_SLUG,
        title="ZukunftsWerkstatt INDUSTRIE",
        summary="Die Handlungsempfehlungen der StrategieWerkstatt auf ihre Passfähigkeit prüfen, "
        "priorisieren, Umsetzungskonzepte erarbeiten und die Umsetzung begleiten.",
        description=(
            "Mit der ZukunftsWerkstatt INDUSTRIE hat das sächsische Wirtschaftsministerium das "
            "Folgeprojekt der StrategieWerkstatt: Industrie der ZUKUNFT initiiert. Sie prüft die "
            "Handlungsempfehlungen mit den betreffenden Akteuren auf ihre Passfähigkeit und auf "
            "die regionalen Gegebenheiten, priorisiert sie, erarbeitet Umsetzungskonzepte und "
            "begleitet die weitere Entwicklung.\n\nEingeladen ist, wer Themen oder kontroverse "
            "Thesen einbringen und diskutieren möchte. Das Projektbüro in Dresden hat im "
            "November 2018 die Arbeit aufgenommen. Nach den ersten zwei Jahren begleitet die "
            "ZukunftsWerkstatt die Umsetzung; in einer zweiten Runde werden neue Themen geprüft "
            "und priorisiert."
        ),
        organiser="Sächsisches Staatsministerium für Wirtschaft, Arbeit und Verkehr; "
        "Projektbüro: VDI/VDE Innovation + Technik GmbH, Dresden",
        start_date=D(2018, 11, 1),
        end_date=end,
        status=Process.Status.ACTIVE,
        moderation=Process.Moderation.PRE,
        is_public=True,
        open_to_join=True,
    )
    public, members = Phase.Visibility.PUBLIC, Phase.Visibility.MEMBERS
    phases = _phases(process, (
        ("Themen und kontroverse Thesen einbringen",
         "Akteure bringen Themen und kontroverse Thesen ein und diskutieren die Empfehlungen der "
         "StrategieWerkstatt.",
         D(2018, 11, 1), D(2019, 3, 31), dict(allows_propose=True, allows_comment=True), public),
        ("Passfähigkeit prüfen",
         "Die Empfehlungen werden auf ihre Passfähigkeit für die Regionen und Landkreise geprüft.",
         D(2019, 4, 1), D(2019, 12, 15),
         dict(allows_propose=True, allows_comment=True, allows_rate=True), public),
        ("Vorauswahl im Begleitgremium",
         "Das Begleitgremium sichtet die Ergebnisse und bringt eigene Thesen ein.",
         D(2020, 1, 6), D(2020, 2, 28), dict(allows_propose=True, allows_comment=True),
         Phase.Visibility.BOARD),
        ("Priorisieren",
         "Welche Empfehlungen zuerst? Die Beteiligten priorisieren die geprüften Empfehlungen.",
         D(2020, 3, 2), D(2020, 5, 31),
         dict(allows_prioritise=True, allows_rate=True, allows_comment=True), public),
        ("Umsetzungskonzepte erarbeiten",
         "Für die priorisierten Empfehlungen entstehen Umsetzungskonzepte mit Verantwortlichen, "
         "Meilensteinen und Budget.",
         D(2020, 6, 1), D(2020, 10, 31), dict(allows_comment=True), members),
        ("Umsetzung begleiten",
         "Die Umsetzung wird öffentlich dokumentiert und diskutiert.",
         D(2020, 11, 1), round_two - datetime.timedelta(days=1), dict(allows_comment=True),
         public),
        ("Zweite Runde: neue Themen einbringen",
         "Neue Themen und Empfehlungen für die nächsten Jahre.",
         round_two, prioritise - datetime.timedelta(days=1),
         dict(allows_propose=True, allows_comment=True), public),
        ("Zweite Runde: prüfen und priorisieren",
         "Die neuen und die noch offenen Empfehlungen werden geprüft und priorisiert.",
         prioritise, concepts - datetime.timedelta(days=1),
         dict(allows_prioritise=True, allows_rate=True, allows_comment=True, allows_propose=True),
         public),
        ("Zweite Runde: Umsetzungskonzepte",
         "Für die neuen Prioritäten entstehen Umsetzungskonzepte.",
         concepts, end, dict(allows_comment=True), members),
    ))  # fmt: skip
    fields = _fields(process)
    regions = {r.code: r for r in Region.objects.all()}
    sectors = list(Sector.objects.filter(code__in=["25", "28", "29", "62", "72", "85"]))
    office = accounts.get("prozess")
    authors = [a for a in (accounts.get("mitglied"), accounts.get("firma"), *people) if a]
    talk = _Discussion(people, office, rng)
    now = timezone.now()

    def in_phase(phase: Phase, day: int) -> datetime.datetime:
        return _aware(min(phase.start_date + datetime.timedelta(days=day), phase.end_date))

    recs = []
    for i, (field, kind, title, text, status, codes) in enumerate(FUTURE_RECOMMENDATIONS):
        phase = phases[0] if i % 3 else phases[1]
        tags = rng.sample(sectors, k=min(len(sectors), rng.randint(0, 2)))
        rec = _recommendation(
            process, phase, authors[i % len(authors)], fields[field], kind, title, text, status,
            [regions[c] for c in codes if c in regions], tags, in_phase(phase, 10 + 9 * i),
        )  # fmt: skip
        talk.write(rec, _aware(phases[5].end_date))
        recs.append(rec)
    board_member = accounts.get("gremium")
    for n, (field, title, text) in enumerate(BOARD_THESES):
        rec = _recommendation(
            process, phases[2], board_member, fields[field], "thesis", title, text,
            Status.DISCUSSION, [], [], in_phase(phases[2], 7 + 10 * n),
        )  # fmt: skip
        talk.write(rec, _aware(phases[2].end_date), days=30)
    # The prioritisation of 2020 and its outcome, in the audit trail.
    decided = _aware(phases[3].end_date, 16)
    for rec in recs:
        if rec.kind == Recommendation.Kind.RECOMMENDATION:
            outcome = Status.DECLINED if rec.status == Status.DECLINED else Status.PRIORITISED
            _log(
                process, office, ModerationAction.Kind.CHANGE_STATUS, decided, recommendation=rec,
                details={"from": "assessment", "to": outcome},
            )  # fmt: skip
        _answer(process, rec, office, decided + datetime.timedelta(days=14))
    # The second round, pre-moderated: published a day after it came in.
    for n, (field, title, text, codes) in enumerate(SECOND_ROUND):
        created = in_phase(phases[6], 12 + 20 * n)
        rec = _recommendation(
            process, phases[6], authors[(n + 3) % len(authors)], fields[field],
            "recommendation", title, text, Status.ASSESSMENT,
            [regions[c] for c in codes if c in regions], [], created,
        )  # fmt: skip
        _log(
            process, office, ModerationAction.Kind.APPROVE,
            min(created + datetime.timedelta(days=1), now), recommendation=rec,
        )  # fmt: skip
        talk.write(rec, now, days=40)
        recs.append(rec)
    # A fresh contribution waiting for pre-moderation.
    _recommendation(
        process, phases[7], accounts.get("mitglied"), fields[6], "recommendation",
        "Offene Werkstatttage an Berufsschulen",
        "Berufsschulen öffnen ihre Werkstätten an Samstagen für Schülerinnen, Schüler und "
        "Eltern, gemeinsam mit Betrieben der Region.",
        Status.SUBMITTED, [], [], now - datetime.timedelta(hours=5),
        moderation_state=Recommendation.ModerationState.PENDING,
    )  # fmt: skip
    _moderation(process, recs, people, office, talk)
    for user in people:
        SpaceRole.objects.get_or_create(user=user, space=process.space, role=SpaceRole.Role.MEMBER)
    return process


def _moderation(
    process: Process, recs: list[Recommendation], people: list[Any], office: Any, talk: _Discussion
) -> None:
    """A rude comment, reported and hidden; an advert in a current discussion, reported and
    still open."""
    networks = recs[2]
    first = talk.comments[networks.title][0]
    when = first.created + datetime.timedelta(days=2)
    rude = Comment.objects.create(recommendation=networks, author=people[-1], text=RUDE)
    Comment.objects.filter(pk=rude.pk).update(created=when, modified=when)
    report = Report.objects.create(
        process=process,
        recommendation=networks,
        comment=rude,
        reporter=people[0],
        reason=Report.Reason.OFFENSIVE,
        text="Unsachlich.",
        state=Report.State.RESOLVED,
    )
    hidden_at = when + datetime.timedelta(days=1)
    Report.objects.filter(pk=report.pk).update(
        created=when + datetime.timedelta(hours=3), handled_at=hidden_at
    )
    reason = "Bitte bleiben Sie sachlich und begründen Sie Kritik (Netiquette, Punkt 2)."
    Comment.objects.filter(pk=rude.pk).update(
        is_hidden=True, hidden_reason=reason, hidden_by=office, hidden_at=hidden_at
    )
    _log(
        process, office, ModerationAction.Kind.HIDE_COMMENT, hidden_at, recommendation=networks,
        comment=rude, report=report, reason=reason,
    )  # fmt: skip
    security = next(r for r in recs if r.title == SECOND_ROUND[0][1])
    last = max(c.created for c in talk.comments[security.title])
    now = timezone.now() - datetime.timedelta(hours=2)
    when = min(last + datetime.timedelta(days=1), now)
    advert = Comment.objects.create(recommendation=security, author=people[-2], text=ADVERT)
    Comment.objects.filter(pk=advert.pk).update(created=when, modified=when)
    open_report = Report.objects.create(
        process=process,
        recommendation=security,
        comment=advert,
        reporter=people[1],
        reason=Report.Reason.SPAM,
        text="Werbung für das eigene Beratungsangebot.",
    )
    Report.objects.filter(pk=open_report.pk).update(
        created=min(when + datetime.timedelta(hours=6), now)
    )


def build_demo(seed: int, report: Report_) -> None:
    if Process.objects.filter(slug__in=[STRATEGY_SLUG, FUTURE_SLUG]).exists():
        report("Strategy workshops: already there, left as they are.")
        return
    rng = random.Random(seed)
    accounts = {
        local: _user(local) for local in ("prozess", "mitglied", "firma", "gremium", "moderation")
    }
    with transaction.atomic(), search.deferred():
        people = _participants(rng)
        office = accounts.get("prozess")
        old = _strategy_werkstatt(people, office, rng)
        if office is not None:
            SpaceRole.objects.get_or_create(
                user=office, space=old.space, role=SpaceRole.Role.MODERATOR
            )
        new = _zukunfts_werkstatt(people, accounts, rng)
    # The search terms, as the network's: left out when its index was (`--no-index`, tests).
    indexed = SearchTerm.objects.exists()
    if indexed:
        search.index_recommendations(Recommendation.objects.filter(process__in=[old, new]))
    report(
        f"Strategy workshops: {old.title} ({old.recommendations.count()} recommendations), "
        f"{new.title} ({new.recommendations.count()} recommendations and theses, "
        f"{Comment.objects.filter(recommendation__process__in=[old, new]).count()} comments)"
        + ("." if indexed else "; not indexed for the search, as the network.")
    )


def delete_demo(report: Report_) -> None:
    with transaction.atomic():
        processes = Process.objects.filter(slug__in=[STRATEGY_SLUG, FUTURE_SLUG])
        count = processes.count()
        for process in processes:
            Recommendation.history.filter(process_id=process.pk).delete()  # type: ignore[attr-defined]
            process.delete()
        Space.objects.filter(slug=STRATEGY_SLUG).delete()
        get_user_model().objects.filter(
            email__startswith=PARTICIPANT_PREFIX, email__endswith="@" + ACCOUNT_DOMAIN
        ).delete()
    report(f"Strategy workshops: {count} demo processes deleted.")
