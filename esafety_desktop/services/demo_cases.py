"""The demo school's invented cases: every branch of the flowchart, over three school years
(2024/25 to 2026/27), some closed, some still open, with notes, actions, evidence, a device
review and the headteacher's sign-offs. All names come from the invented register; nothing here
is about a real child or adult.

Each case is written as if on the day it happened (rows are stamped with that day; the audit
log still shows when the demo was really built).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from esafety_desktop.domain.device_review import DeviceSiteReview, ReviewedItem, Reviewer
from esafety_desktop.domain.evidence import EvidenceKind
from esafety_desktop.domain.incidents import (
    IncidentStatus,
    Location,
    PersonRole,
    RiskCategory,
    WalkProblem,
    WalkStep,
    walk_from_answers,
)
from esafety_desktop.domain.school_year import year_group_then

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn

DSL = "Alex Morgan"
DEPUTY = "Sam Patel"
HEAD = "Chris Evans"
TECHNICIAN = "Jordan Lee"

T, P, W, R = (
    PersonRole.TARGET,
    PersonRole.ALLEGED_PERPETRATOR,
    PersonRole.WITNESS,
    PersonRole.REPORTER,
)


@dataclass(frozen=True)
class Note:
    day: int  # days after the report
    text: str


@dataclass(frozen=True)
class Action:
    day: int
    title: str
    owner: str
    due_in: int  # days after it was set
    done_after: int | None = None  # days after it was set; None: still open
    outcome: str = ""


@dataclass(frozen=True)
class Evidence:
    day: int
    kind: EvidenceKind
    description: str
    url: str = ""
    held_where: str = ""
    held_by: str = ""


@dataclass(frozen=True)
class Status:
    day: int
    status: IncidentStatus
    reasons: str
    outcome: str = ""  # closing questions, when closed
    lessons: str = ""
    policy_review: bool = False


@dataclass(frozen=True)
class SignOff:
    day: int
    comment: str


@dataclass(frozen=True)
class DemoCase:
    reported: datetime
    reported_by: str
    summary: str
    child_words: str
    where: Location
    service: str
    category: RiskCategory | None
    # "6.2": the third pupil (by surname) who was in Year 6 on the day; "role:Cook": the first
    # member of staff with that job; "head": the headteacher.
    people: list[tuple[str, PersonRole]]
    answers: list[tuple[str, str]]
    details: dict[str, WalkStep] = field(default_factory=dict)
    misuse: str | None = None
    later: list[Note | Action | Evidence | Status | SignOff | DeviceSiteReview] = field(
        default_factory=list
    )
    review_day: int = 0


def _d(step_id: str, outcome: str = "", reference: str = "", done_by: str = "") -> WalkStep:
    return WalkStep(step_id, outcome=outcome, reference=reference, done_by=done_by)


_NO_RISK = ("No", "The child is safe in school and supported by their teacher.")
_ENDING = {
    "debrief": _d("debrief", "Debrief with the staff involved"),
    "review_policies": _d("review_policies", "Policy checked; no change needed"),
    "implement_changes": _d("implement_changes", "Reminder to staff at the next briefing"),
}


def _closed(day: int, outcome: str, lessons: str, review: bool = False) -> Status:
    return Status(
        day, IncidentStatus.CLOSED, "Actions complete; nothing further.", outcome, lessons, review
    )


CASES: list[DemoCase] = [
    DemoCase(
        datetime(2024, 10, 8, 9, 10),
        "Class teacher",
        "A pupil's photo was edited and shared in a class group chat with mocking comments.",
        "Everyone was laughing at me on the bus.",
        Location.ONLINE,
        "WhatsApp group",
        RiskCategory.CONDUCT,
        [("6.0", T), ("6.1", P), ("6.2", W)],
        [
            _NO_RISK,
            ("Cyberbullying", "Repeated, targeted and hurtful."),
            ("No", "The parent has the messages."),
        ],
        {
            "bullying_evidence": _d("bullying_evidence", "Parent kept screenshots; not copied"),
            "strategy_meeting": _d("strategy_meeting", "Restorative meeting; both families told"),
            **_ENDING,
        },
        later=[
            Evidence(0, EvidenceKind.DESCRIPTION, "Parent holds screenshots of 14 messages."),
            Action(
                1,
                "Check in with the pupil weekly for a month",
                "Class teacher",
                28,
                27,
                "Pupil settled; friendships repaired",
            ),
            Status(2, IncidentStatus.MONITORING, "Restorative meeting held; watching for repeats."),
            _closed(
                35,
                "No repeat; both pupils doing well.",
                "Group chats outside school spill into class: cover in PSHE.",
                review=True,
            ),
            SignOff(36, "Handled well and quickly. Agree to close."),
        ],
    ),
    DemoCase(
        datetime(2024, 11, 19, 13, 40),
        "Teaching assistant",
        "A pupil saw a violent video on a class tablet; the site was not blocked.",
        "It just played on its own after the football clip.",
        Location.ON_SITE,
        "Video site",
        RiskCategory.CONTENT,
        [("4.0", T)],
        [
            _NO_RISK,
            ("Filtering", "A category that should be blocked was reached."),
            ("No", "Violent but not illegal material."),
            ("No", "The filtering log shows the one visit."),
        ],
        {
            "filtering_record": _d(
                "filtering_record", "Address blocked within the hour", done_by=TECHNICIAN
            ),
            "strategy_meeting": _d("strategy_meeting", "Parents told; pupil supported"),
            **_ENDING,
        },
        later=[
            Note(1, "Filtering provider confirmed the video site category is now blocked."),
            _closed(
                6,
                "Site blocked; pupil and parents reassured.",
                "Check the filtering categories after each provider update.",
            ),
        ],
    ),
    DemoCase(
        datetime(2025, 1, 21, 11, 5),
        "Class teacher",
        "Two pupils of the same age exchanged semi-nude selfies; a friend told the teacher.",
        "We were going out and she said it was fine.",
        Location.OFF_SITE,
        "Snapchat",
        RiskCategory.CONDUCT,
        [("6.3", T), ("6.4", P), ("6.5", R)],
        [
            _NO_RISK,
            ("Nudes", "Imagery shared between two pupils."),
            ("No", "Same age, no adult, no coercion or threat, not extreme, no wider sharing."),
            ("Yes", "Parents are supportive; telling them puts nobody at risk."),
        ],
        {
            "nudes_review_meeting": _d("nudes_review_meeting", "Met with the deputy DSL"),
            "nudes_in_school": _d(
                "nudes_in_school",
                "Images deleted by the pupils with parents present; Report Remove explained",
            ),
            **_ENDING,
        },
        later=[
            Evidence(
                0,
                EvidenceKind.DEVICE,
                "Phone of the pupil who reported it, switched off",
                held_where="Office safe",
                held_by=DSL,
            ),
            Note(
                1, "Phone returned to the parent after the imagery was deleted in their presence."
            ),
            _closed(
                30,
                "Handled in school; no further concerns.",
                "Consent and the law: add to the Year 6 RSE lesson.",
            ),
            SignOff(31, "Proportionate response. Agree."),
        ],
    ),
    DemoCase(
        datetime(2025, 2, 11, 15, 20),
        "Lunchtime supervisor",
        "Racist comments were posted under a pupil's gaming video by another pupil.",
        "He wrote that I should go back where I came from.",
        Location.ONLINE,
        "Video game chat",
        RiskCategory.CONDUCT,
        [("5.0", T), ("5.1", P)],
        [
            _NO_RISK,
            ("Online hate", "Comments target the pupil's race."),
            ("No", "Children of primary age; dealt with as a behaviour and education matter."),
            ("No", "The comments were saved by the parent."),
        ],
        {"strategy_meeting": _d("strategy_meeting", "Both families met; apology given"), **_ENDING},
        later=[
            Evidence(
                0,
                EvidenceKind.URL,
                "The video page with the comments",
                url="https://video.example/watch/abc123",
            ),
            Action(
                1, "Anti-racism assembly for the key stage", "Headteacher", 14, 10, "Assembly held"
            ),
            _closed(21, "Apology accepted; comments removed.", "Teach reporting tools in games."),
        ],
    ),
    DemoCase(
        datetime(2025, 3, 4, 10, 0),
        "Office manager",
        "A pupil logged in as a classmate and changed their class blog post.",
        "",
        Location.ON_SITE,
        "Class blog",
        RiskCategory.CONDUCT,
        [("5.2", P), ("5.3", T)],
        [
            _NO_RISK,
            ("Misuse", "Used someone else's login (C2)."),
            ("No", "The blog history shows what changed."),
        ],
        {
            "misuse_grid": _d("misuse_grid", "C2 first incident: teacher or pastoral detention"),
            **_ENDING,
        },
        misuse="C2",
        later=[
            _closed(
                7, "Detention served; passwords changed.", "Remind classes not to share passwords."
            )
        ],
    ),
    DemoCase(
        datetime(2025, 4, 29, 14, 15),
        "Class teacher",
        "A pupil repeated extremist slogans and said an online video 'told the truth'.",
        "The man in the video says they are taking over.",
        Location.ON_SITE,
        "Video site",
        RiskCategory.CONTENT,
        [("6.6", T)],
        [
            _NO_RISK,
            ("Radicalisation", "Extremist views repeated from online videos."),
            ("No", "The pupil does not own a device; home internet checked by the parent."),
        ],
        {
            "prevent_refer": _d(
                "prevent_refer",
                "Discussed with the Prevent lead; referral made",
                reference="PRV-25-0031",
            ),
            "strategy_meeting": _d("strategy_meeting", "Support plan with the family"),
            **_ENDING,
        },
        later=[
            Note(14, "Prevent lead: Channel panel not needed; school support plan continues."),
            Status(15, IncidentStatus.MONITORING, "Support plan in place."),
            _closed(
                90,
                "No further concerns over a term.",
                "Staff were confident spotting it; keep annual Prevent training.",
            ),
            SignOff(92, "Thank you. Agree to close."),
        ],
    ),
    DemoCase(
        datetime(2025, 6, 10, 8, 45),
        "School business manager",
        "A teaching assistant used a school laptop to run a personal online shop in lessons.",
        "",
        Location.ON_SITE,
        "Online marketplace",
        RiskCategory.COMMERCE,
        [("role:Teaching assistant", P)],
        [
            _NO_RISK,
            ("A member of staff", "Misuse of school equipment by staff."),
            ("No", "Not about the headteacher."),
            ("No", "Breach of the code of conduct, not illegal."),
            ("Yes", "Browsing history needs checking."),
        ],
        {
            "staff_to_head": _d(
                "staff_to_head", "Headteacher told; LADO: no threshold met", reference="LADO-25-077"
            ),
            "strategy_meeting": _d(
                "strategy_meeting", "Disciplinary procedure started by the headteacher"
            ),
            "device_review": _d("device_review", "Review by the headteacher and deputy DSL"),
            **_ENDING,
        },
        later=[
            DeviceSiteReview(
                reason="Use of a school laptop for a personal business in lesson time.",
                first_reviewer=Reviewer(HEAD, "Headteacher"),
                second_reviewer=Reviewer(DEPUTY, "Deputy DSL"),
                computer="Office PC 2, headteacher's office (not used by pupils)",
                items=[
                    ReviewedItem(
                        "Laptop OAK-LT-007 browsing history",
                        "Shop pages open in lesson times on 12 days",
                    )
                ],
                conclusion="Personal use in lesson time confirmed; nothing illegal.",
                action="Internal response",
                action_detail="Disciplinary procedure; written warning.",
            ),
            _closed(
                40,
                "Written warning under the code of conduct.",
                "Remind all staff of the staff AUP.",
                review=True,
            ),
        ],
    ),
    DemoCase(
        datetime(2025, 9, 23, 12, 30),
        "Class teacher",
        "A pupil was sent repeated sexual comments and requests by two classmates on a game.",
        "They keep asking what I look like and saying rude things.",
        Location.ONLINE,
        "Online game chat",
        RiskCategory.CONTACT,
        [("6.7", T), ("6.8", P), ("6.9", P)],
        [
            _NO_RISK,
            ("Online sexual harassment", "Repeated sexual comments between children."),
            ("No", "Messages already saved by the parent."),
        ],
        {
            "harassment_support": _d("harassment_support", "Risk assessment; seating changed"),
            "strategy_meeting": _d("strategy_meeting", "Families met; safety plan agreed"),
            **_ENDING,
        },
        later=[
            Action(0, "Safety plan reviewed with the pupil", DEPUTY, 14, 12, "Pupil feels safe"),
            _closed(
                45,
                "Behaviour stopped; plan ended.",
                "Teach about sexual harassment online earlier, in Year 5.",
            ),
        ],
    ),
    DemoCase(
        datetime(2025, 10, 14, 9, 50),
        "Office manager",
        "The same pupil as in March used a classmate's login again, to send messages.",
        "",
        Location.ON_SITE,
        "School email",
        RiskCategory.CONDUCT,
        [("6.2", P), ("6.12", T)],
        [
            _NO_RISK,
            ("Misuse", "Used someone else's login again (C2)."),
            ("No", "The email log is enough."),
        ],
        {
            "misuse_grid": _d(
                "misuse_grid", "C2 second incident: blocked from the system for 1 week"
            ),
            **_ENDING,
        },
        misuse="C2",
        later=[_closed(10, "Week's block served; parents met.", "None beyond the grid.")],
    ),
    DemoCase(
        datetime(2025, 11, 26, 16, 5),
        "Parent (by phone)",
        "An older teenager paid a pupil in game credits to carry packages; the pupil was "
        "missing after school.",
        "He said I owed him now.",
        Location.OFF_SITE,
        "Messaging app",
        RiskCategory.CONTACT,
        [("6.10", T)],
        [
            ("Yes", "The pupil was missing and at risk of exploitation."),
            ("Sexual abuse, exploitation", "Criminal exploitation by an older teenager."),
            ("Illegal", "Police confirmed criminal exploitation and are investigating."),
        ],
        {
            "call_999": _d(
                "call_999", "Police found the pupil safe that evening", reference="CAD-251126-0412"
            ),
            "exploitation_ceop": _d("exploitation_ceop", "Report made", reference="CEOP-25-2210"),
            "exploitation_police": _d(
                "exploitation_police", "Police and MASH strategy meeting", reference="AS-25-118734"
            ),
            **_ENDING,
        },
        later=[
            Note(3, "Social care strategy meeting attended by the DSL; child in need plan."),
            Action(3, "Attend child in need review meetings", DSL, 42, 40, "Plan continues"),
            Status(60, IncidentStatus.MONITORING, "Police investigation continues; plan in place."),
        ],
    ),
    DemoCase(
        datetime(2025, 12, 3, 9, 0),
        "IT technician",
        "Indecent images of children were found on a staff member's USB stick left in a "
        "school laptop.",
        "",
        Location.ON_SITE,
        "",
        RiskCategory.CONTENT,
        [("role:Site manager", P)],
        [
            _NO_RISK,
            ("Indecent", "Images of children found by the technician."),
            ("Yes", "The stick belongs to the site manager."),
            ("Illegal", "Police confirmed indecent images; volunteer arrested."),
        ],
        {
            "iioc_police": _d(
                "iioc_police", "Police collected the stick and laptop", reference="CR-25-300871"
            ),
            "iioc_iwf": _d("iioc_iwf", "No web addresses known; IWF told by police"),
            "iioc_head_lado": _d(
                "iioc_head_lado",
                "Headteacher and LADO told; the site manager suspended",
                reference="LADO-25-140",
            ),
            **_ENDING,
        },
        later=[
            Evidence(
                0,
                EvidenceKind.DEVICE,
                "USB stick and laptop OAK-LT-015, sealed bag",
                held_where="Collected by Anyshire Police",
                held_by="Police",
            ),
            Note(21, "LADO: dismissed after the disciplinary hearing; DBS referral made."),
            _closed(
                120,
                "Dismissed; police case with the CPS.",
                "Volunteers' own storage devices banned from school equipment.",
                review=True,
            ),
            SignOff(121, "Serious case handled by the book. Agree."),
        ],
    ),
    DemoCase(
        datetime(2026, 1, 20, 10, 30),
        "Class teacher",
        "A pupil was excluded from an online class game and sent nasty voice notes.",
        "Nobody lets me play and they send horrible voice messages.",
        Location.ONLINE,
        "Online game",
        RiskCategory.CONDUCT,
        [("5.4", T), ("5.5", P)],
        [
            _NO_RISK,
            ("Cyberbullying", "Repeated exclusion and abuse."),
            ("Yes", "Class tablets used to send some notes."),
        ],
        {
            "bullying_evidence": _d("bullying_evidence", "Voice notes kept by the parent"),
            "strategy_meeting": _d("strategy_meeting", "Restorative meeting"),
            "device_review": _d("device_review", "Tablets reviewed by two senior staff"),
            **_ENDING,
        },
        later=[
            DeviceSiteReview(
                reason="Voice notes may have been sent from class tablets.",
                first_reviewer=Reviewer(DSL, "DSL"),
                second_reviewer=Reviewer(DEPUTY, "Deputy DSL"),
                computer="Office PC 2, headteacher's office (not used by pupils)",
                items=[
                    ReviewedItem("Class tablets 3 and 4 (Year 5)", "Messaging app used in lessons")
                ],
                conclusion="Two notes sent from tablet 4 at break time.",
                action="Internal response",
                action_detail="Messaging app removed from class tablets.",
            ),
            _closed(
                30,
                "Bullying stopped; app removed from tablets.",
                "Check apps on class tablets each term.",
            ),
        ],
    ),
    DemoCase(
        datetime(2026, 2, 24, 11, 15),
        "Class teacher",
        "A pupil brought in a smartwatch and filmed classmates in the changing room for fun.",
        "I was just messing about.",
        Location.ON_SITE,
        "",
        RiskCategory.CONDUCT,
        [("4.0", P), ("4.1", W)],
        [
            _NO_RISK,
            (
                "Something else unsuitable",
                "Filming without consent; no nudity seen by the teacher, who did not view further.",
            ),
            ("No", "Video deleted in front of the parent."),
        ],
        {"strategy_meeting": _d("strategy_meeting", "Parents told; watch kept at home"), **_ENDING},
        later=[
            _closed(
                14,
                "Watch banned in school.",
                "Add smartwatches to the mobile phones rule.",
                review=True,
            )
        ],
    ),
    DemoCase(
        datetime(2026, 3, 3, 13, 5),
        "Class teacher",
        "A pupil reached a gambling site on a class laptop during a research task.",
        "It just came up when I searched for the football.",
        Location.ON_SITE,
        "",
        RiskCategory.COMMERCE,
        [("4.2", T)],
        [
            _NO_RISK,
            ("Filtering", "Site should have been blocked."),
            ("No", "Gambling adverts, not illegal content."),
            ("No", "Filtering logs are enough."),
        ],
        {
            "filtering_record": _d(
                "filtering_record", "Address blocked by the technician", done_by=TECHNICIAN
            ),
            "strategy_meeting": _d("strategy_meeting", "Filtering rule added; parents told"),
            **_ENDING,
        },
        later=[
            _closed(
                5,
                "Rule added for the gambling category.",
                "Test filtering each half term with the provider's checker.",
            )
        ],
    ),
    DemoCase(
        datetime(2026, 5, 19, 9, 40),
        "Office manager",
        "A pupil used another pupil's login to change their class blog posts.",
        "",
        Location.ON_SITE,
        "Class blog",
        RiskCategory.CONDUCT,
        [("5.6", P), ("5.7", T)],
        [
            _NO_RISK,
            ("Misuse", "Used someone else's account (C2)."),
            ("No", "The blog history shows what changed."),
        ],
        {"misuse_grid": _d("misuse_grid", "C2 first incident: pastoral detention"), **_ENDING},
        misuse="C2",
        later=[Status(3, IncidentStatus.MONITORING, "Detention served; watching logins.")],
    ),
    DemoCase(
        datetime(2026, 6, 16, 10, 20),
        "Parent (in person)",
        "A parent found a link to indecent images of children in a group chat their child "
        "belongs to.",
        "Someone posted a link and said not to open it.",
        Location.ONLINE,
        "Messaging app",
        RiskCategory.CONTENT,
        [("6.11", W)],
        [
            _NO_RISK,
            ("Indecent", "A link said to lead to indecent images."),
            ("No", "No member of staff or volunteer involved."),
            ("No illegal", "Police found the link dead and no images held by anyone local."),
        ],
        {
            "iioc_police": _d("iioc_police", "Reported to police", reference="CR-26-100532"),
            "iioc_iwf": _d("iioc_iwf", "Address reported", reference="IWF-26-88231"),
            "internal_procedures": _d("internal_procedures", "Group chat safety talk"),
            **_ENDING,
        },
        later=[
            Evidence(
                0,
                EvidenceKind.URL,
                "The link, as written down by the parent (not opened)",
                url="http://link.example/removed",
            ),
            Action(1, "Letter to parents of the class about group chats", HEAD, 7, 6, "Sent"),
        ],
    ),
    DemoCase(
        datetime(2026, 9, 29, 14, 0),
        "Class teacher",
        "A pupil was pressured by an adult online to send nude images and did so.",
        "He said he would tell my mum if I didn't send more.",
        Location.ONLINE,
        "Social media app",
        RiskCategory.CONTACT,
        [("6.0", T)],
        [
            _NO_RISK,
            ("Nudes", "Images sent under pressure."),
            ("Yes", "An adult is involved and there is coercion and blackmail."),
            ("No", "Mother's partner may be the adult; social care advise not telling yet."),
        ],
        {
            "nudes_review_meeting": _d("nudes_review_meeting", "DSL and deputy DSL"),
            "nudes_refer": _d(
                "nudes_refer", "MASH and police strategy discussion", reference="MASH-26-5521"
            ),
            **_ENDING,
        },
        later=[
            Evidence(
                0,
                EvidenceKind.DEVICE,
                "Pupil's phone, switched off, not looked at",
                held_where="Office safe",
                held_by=DSL,
            ),
            Note(1, "Phone handed to police officer PC 4471 at 10:15; receipt kept."),
            Action(1, "Agree with social care when parents are told", DSL, 7),
            Status(2, IncidentStatus.AWAITING_POLICE, "Police investigating the adult."),
        ],
    ),
    DemoCase(
        datetime(2026, 10, 8, 15, 30),
        "Parent (by phone)",
        "An adult on a gaming app asked a pupil to move to a private chat.",
        "He said he was 14 and wanted to be my friend.",
        Location.ONLINE,
        "Gaming app",
        RiskCategory.CONTACT,
        [("5.0", T)],
        [
            _NO_RISK,
            ("Sexual abuse, exploitation", "Adult contact, possible grooming."),
            ("Still", "No response yet."),
        ],
        {
            "exploitation_ceop": _d(
                "exploitation_ceop", "Report made with the parent", reference="CEOP-2026-1187"
            ),
            "exploitation_police": _d(
                "exploitation_police", "Police to contact the family", reference="AS-26-004512"
            ),
            **_ENDING,
        },
        later=[Action(0, "Chase police for an outcome", DSL, 14)],
    ),
    DemoCase(
        datetime(2026, 10, 20, 9, 25),
        "Teaching assistant",
        "Threatening messages about a pupil's religion were posted on a community page.",
        "They said they would get me after school.",
        Location.ONLINE,
        "Community social media page",
        RiskCategory.CONTACT,
        [("6.1", T)],
        [
            _NO_RISK,
            ("Online hate", "Threats because of religion."),
            ("Yes", "Threats of violence may be a hate crime."),
            ("Still", "Police are looking for the account holder."),
        ],
        {
            "police_report": _d(
                "police_report", "Reported as a hate incident", reference="CR-26-204410"
            ),
            **_ENDING,
        },
        later=[
            Evidence(
                0,
                EvidenceKind.URL,
                "The community page post",
                url="https://social.example/oakfieldcommunity/post/991",
            )
        ],
    ),
    DemoCase(
        datetime(2026, 11, 5, 16, 40),
        "Chair of governors (told by a parent)",
        "A parent showed messages sent late at night to their child from the headteacher's "
        "personal account.",
        "He said it was our secret.",
        Location.ONLINE,
        "Messaging app",
        RiskCategory.CONTACT,
        [("4.0", T), ("head", P)],
        [
            _NO_RISK,
            ("A member of staff", "Messages from a member of staff."),
            ("Yes", "The account is the headteacher's."),
            ("No", "Not illegal on what has been seen so far; LADO to advise."),
            ("No", "The parent has preserved the messages."),
        ],
        {
            "head_to_chair": _d(
                "head_to_chair", "Chair of governors and LADO told", reference="LADO-26-201"
            ),
            "strategy_meeting": _d("strategy_meeting", "LADO strategy meeting booked"),
            **_ENDING,
        },
        later=[Action(1, "Strategy meeting with the LADO and chair", DSL, 5)],
    ),
    DemoCase(
        datetime(2026, 11, 12, 10, 10),
        "Class teacher",
        "A pupil's account was used to post others' home addresses on a public site.",
        "",
        Location.ONLINE,
        "Public forum",
        RiskCategory.CONDUCT,
        [("6.2", P)],
        [
            _NO_RISK,
            ("Something else illegal", "Sharing home addresses to cause harm."),
            ("Still", "Police awaiting the site's reply."),
        ],
        {
            "police_report": _d(
                "police_report", "Reported to the schools officer", reference="CR-26-211870"
            ),
            **_ENDING,
        },
    ),
    DemoCase(
        datetime(2026, 11, 17, 13, 50),
        "Class teacher",
        "Pupils in one class set up a voting poll on who is the 'ugliest' classmate.",
        "I saw my name on it.",
        Location.ONLINE,
        "Online poll site",
        RiskCategory.CONDUCT,
        [("5.1", T), ("5.2", P), ("5.3", P)],
        [
            _NO_RISK,
            ("Cyberbullying", "Humiliating poll about one pupil."),
            ("No", "The poll has been taken down by the site."),
        ],
        {
            "bullying_evidence": _d("bullying_evidence", "Teacher wrote down what the poll said"),
            **_ENDING,
        },
        later=[
            Action(0, "Meet the parents of the three pupils", "Class teacher", 3),
            Action(0, "Class circle time on kindness online", "Class teacher", 10),
        ],
    ),
]


def add_demo_cases(me: SignedIn, head: SignedIn) -> None:
    """Write every demo case, with what happened to it later, on the days it happened."""
    from esafety_desktop.domain.people import PersonKind
    from esafety_desktop.services import incidents, people
    from esafety_desktop.services.access import pretending_it_is

    everyone = people.list_people(me)
    pupils = [r for r in everyone if r.kind is PersonKind.PUPIL]
    staff = [r for r in everyone if r.kind is PersonKind.STAFF]
    chart = incidents.shipped_flowchart()
    today = date.today()

    def who(key: str, day: date) -> int:
        if key == "head":
            return next(r.id for r in staff if r.name == HEAD)
        if key.startswith("role:"):
            return next(r.id for r in staff if r.detail == key[5:])
        year, number = key.split(".")
        then = [
            row
            for row in pupils
            if year_group_then(row.year_group, min(row.leaving_date or today, today), day) == year
        ]
        return then[int(number)].id

    for case in CASES:
        try:
            walk = walk_from_answers(chart, case.answers, case.details, done_by=DSL)
        except WalkProblem as problem:
            raise WalkProblem(f"Demo case of {case.reported:%d/%m/%Y}: {problem}") from None
        with pretending_it_is(_utc(case.reported + timedelta(minutes=20))):
            recorded = incidents.record_incident(
                me,
                incidents.NewIncident(
                    reported_by=case.reported_by,
                    reported_at=case.reported,
                    summary=case.summary,
                    child_words=case.child_words,
                    location=case.where,
                    online_service=case.service,
                    category=case.category,
                    people=[(who(k, case.reported.date()), role) for k, role in case.people],
                    walk=walk,
                    misuse_category=case.misuse,
                ),
            )
        for later in case.later:
            _follow_up(me, head, recorded.id, case.reported, later)


def _follow_up(
    me: SignedIn,
    head: SignedIn,
    case_id: int,
    reported: datetime,
    later: Note | Action | Evidence | Status | SignOff | DeviceSiteReview,
) -> None:
    from esafety_desktop.services import incidents
    from esafety_desktop.services.access import pretending_it_is

    day = 1 if isinstance(later, DeviceSiteReview) else later.day
    when = datetime.combine(reported.date() + timedelta(days=day), time(15, 30))
    with pretending_it_is(_utc(when)):
        if isinstance(later, Note):
            incidents.add_note(me, case_id, later.text)
        elif isinstance(later, Evidence):
            incidents.add_evidence(
                me,
                case_id,
                later.kind,
                later.description,
                url=later.url,
                held_where=later.held_where,
                held_by=later.held_by,
            )
        elif isinstance(later, Status):
            closing = (
                incidents.Closing(later.outcome, True, later.lessons, later.policy_review)
                if later.status is IncidentStatus.CLOSED
                else None
            )
            incidents.change_status(me, case_id, later.status, later.reasons, closing)
        elif isinstance(later, SignOff):
            incidents.sign_off(head, case_id, later.comment)
        elif isinstance(later, DeviceSiteReview):
            incidents.record_device_review(me, case_id, later)
        else:
            incidents.add_action(
                me, case_id, later.title, later.owner, when.date() + timedelta(later.due_in)
            )
            if later.done_after is not None:
                action = max(incidents.actions(me, case_id), key=lambda a: a.id)
                done = when + timedelta(days=later.done_after)
                with pretending_it_is(_utc(done)):
                    incidents.complete_action(me, action.id, later.outcome or "Done")


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC).replace(tzinfo=None)
