"""What the demo divisions talk about: realistic ideas, waste and backlogs, in the words officers use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IdeaStory:
    title: str
    problem: str
    proposal: str
    expected_benefit: str
    process: str
    wastes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WasteStory:
    waste_type: str
    process: str
    description: str
    minutes: int
    per_week: int


IDEAS = (
    IdeaStory(
        "Let PCSOs close low-risk pending incidents",
        "Low-risk incidents such as lost property and nuisance calls sit on the pending list for days, waiting "
        "for an officer to review and close them.",
        "Give PCSOs permission to review and close low-risk incidents after a call-back to the caller.",
        "Officers free for higher-risk work, and a shorter pending list.",
        "Incident closure",
        ("waiting", "inventory", "non_utilised_talent"),
    ),
    IdeaStory(
        "One form for custody handover",
        "Arresting officers fill in three separate forms at custody handover and type the same details again "
        "each time.",
        "Merge the three forms into one electronic handover that fills itself in from the arrest record.",
        "About 20 minutes saved for every arrest.",
        "Custody handover",
        ("extra_processing", "defects"),
    ),
    IdeaStory(
        "Upload body-worn video from the station car park",
        "At the end of a shift officers queue at the docking station to upload their footage, often past the "
        "end of their shift.",
        "Put Wi-Fi upload points in the car park so footage uploads while the car is parked.",
        "Officers finish on time, with less overtime.",
        "Evidence handling",
        ("waiting", "motion"),
    ),
    IdeaStory(
        "Review the oldest pending incidents at morning briefing",
        "Nobody owns the pending list, so incidents age without anyone noticing until a complaint comes in.",
        "Spend five minutes at each morning briefing on the ten oldest pending incidents and give each an owner.",
        "A pending list that stays short and current.",
        "Incident closure",
        ("inventory", "waiting"),
    ),
    IdeaStory(
        "Stop printing the overnight incident summary",
        "Thirty pages are printed every morning for briefing and most of them are never read.",
        "Show the summary on screen at briefing and send it by email.",
        "Less paper, and no time spent collating printouts.",
        "Briefing",
        ("overproduction",),
    ),
    IdeaStory(
        "Text victims an update before calling back",
        "Call-backs to victims take several attempts and are often missed, so victims ring in again to chase.",
        "Send a text with the crime number and the officer's contact details, and call only if the victim asks.",
        "Fewer missed call-backs and fewer repeat calls to the control room.",
        "Victim contact",
        ("waiting", "extra_processing"),
    ),
    IdeaStory(
        "A shared calendar for the interview rooms",
        "Officers walk to the interview suite with a prisoner only to find every room booked.",
        "Put the interview rooms on a shared calendar that custody and CID can both see.",
        "No wasted trips, and prisoners interviewed sooner.",
        "Interviews",
        ("motion", "waiting"),
    ),
    IdeaStory(
        "Keep spare vehicle keys at each station",
        "Response cars stand idle while the keys are fetched from the main station.",
        "Keep a spare set of keys for each response car in a key safe at its base station.",
        "Cars back on the road sooner at shift change.",
        "Vehicle allocation",
        ("transport", "waiting"),
    ),
    IdeaStory(
        "Fill in missing person forms from the call record",
        "The missing person form asks again for details the call handler has already taken.",
        "Pre-fill the form from the incident record so the officer only adds what is new.",
        "Quicker risk assessments, with fewer mistakes in copied details.",
        "Missing persons",
        ("extra_processing", "defects"),
    ),
    IdeaStory(
        "Ask new starters what slows them down",
        "New officers notice the odd workarounds we have stopped seeing, but nobody asks them.",
        "Hold a fifteen-minute 'fresh eyes' conversation with every new starter after their first month.",
        "A steady supply of improvement ideas from people who see the work anew.",
        "Training",
        ("non_utilised_talent",),
    ),
    IdeaStory(
        "Move the property store next to custody",
        "Seized property is carried from custody across the station to the property store, often several times "
        "a shift.",
        "Use the empty office next to custody as the property store.",
        "Less walking, and property booked in sooner.",
        "Property handling",
        ("transport", "motion"),
    ),
    IdeaStory(
        "A checklist for attending burglaries",
        "Files for burglaries come back because house-to-house enquiries or forensic requests were missed at "
        "the scene.",
        "Give attending officers a one-page checklist on their phones for burglary scenes.",
        "Fewer files returned, and better evidence from the first visit.",
        "Crime scene attendance",
        ("defects",),
    ),
    IdeaStory(
        "Allocate crime reports twice a day",
        "Crime reports wait up to 24 hours to be allocated to an investigator, because allocation happens once, "
        "first thing in the morning.",
        "Allocate at the start of the early and the late shift.",
        "Investigations start sooner; victims hear from someone the same day.",
        "Crime allocation",
        ("waiting", "inventory"),
    ),
    IdeaStory(
        "Video statements for minor collisions",
        "Officers drive to meet witnesses of minor road traffic collisions just to take a short statement.",
        "Offer witnesses a video call to give their statement.",
        "Hours of driving saved every week.",
        "Collision reporting",
        ("motion", "transport"),
    ),
    IdeaStory(
        "Let call handlers close duplicate calls",
        "When several people report the same incident, each call creates its own incident for an officer to close.",
        "Let call handlers link duplicate calls to the first incident and close them there and then.",
        "A shorter pending list, and no officer time spent closing duplicates.",
        "Call handling",
        ("overproduction", "inventory"),
    ),
    IdeaStory(
        "Stock response cars with evidence bags",
        "Officers return to the station mid-shift because the car has run out of evidence bags and labels.",
        "Add evidence bags and labels to the vehicle daily checklist.",
        "No return trips for supplies.",
        "Evidence handling",
        ("motion",),
    ),
)

WASTE = (
    WasteStory(
        "waiting", "Custody handover", "Waited 40 minutes for a custody sergeant to book in a prisoner.", 40, 25
    ),
    WasteStory(
        "motion",
        "Evidence handling",
        "Walked to the far end of the station to use the only exhibit label printer that works.",
        6,
        60,
    ),
    WasteStory(
        "extra_processing",
        "Crime recording",
        "Typed the same victim details into the crime system and the vulnerability form.",
        10,
        80,
    ),
    WasteStory(
        "transport",
        "Property handling",
        "Drove seized property to the central store because the local store was full.",
        50,
        6,
    ),
    WasteStory(
        "defects", "Case files", "File returned by the Crown Prosecution Service for a missing schedule.", 45, 8
    ),
    WasteStory(
        "inventory",
        "Incident closure",
        "Pending incidents more than a week old that only need a closing update.",
        5,
        120,
    ),
    WasteStory("overproduction", "Briefing", "Printed briefing packs that nobody read.", 15, 5),
    WasteStory(
        "non_utilised_talent",
        "Training",
        "A PCSO experienced with CCTV was not asked to review footage; a detective did it instead.",
        30,
        3,
    ),
    WasteStory(
        "waiting",
        "Vehicle allocation",
        "Waited for a response car to come back so its keys could be handed over.",
        20,
        15,
    ),
    WasteStory("waiting", "Call handling", "Held on the phone to the council's out-of-hours line.", 15, 20),
)

# Backlogs every demo division counts each day: name, unit, and the usual level per officer in the division.
BACKLOGS = (
    ("Pending open incidents", "incidents", 0.35),
    ("Crime reports awaiting allocation", "crime reports", 0.12),
)

# Where a cashable saving comes off, and where released time goes.
COST_LINES = ("Response overtime", "Vehicle hire", "Printing and stationery", "Fuel", "Agency staff")
REDEPLOYMENTS = (
    "Neighbourhood patrol",
    "Early intervention with repeat callers",
    "Investigations of burglary and vehicle crime",
    "Not yet redeployed",
)
# Why a validator turned a claim down.
REJECTION_NOTES = (
    "The duty records do not show the hours claimed; resubmit with the rota before and after.",
    "This budget line was cut for other reasons this year; the saving cannot be told apart.",
)

DECLINE_REASONS = (
    "The force is replacing this system next year; the change would be lost.",
    "Legal advice is that this step is required by the Police and Criminal Evidence Act codes.",
    "We tried this in 2023 and it moved the delay elsewhere rather than removing it.",
)
PARK_REASONS = (
    "Good idea, but it needs money we do not have this financial year. We will look again in April.",
    "Waiting for the new rota to settle before changing anything else at shift change.",
)
# The demo staff member's own idea, withdrawn before review: withdrawal is its own outcome, not a decline.
WITHDRAWN_IDEA = IdeaStory(
    "Text victims their crime reference number",
    "Victims phone the front desk to ask for their crime reference number, because the letter takes a week to arrive.",
    "Send the crime reference number by text message as soon as the crime is recorded.",
    "Fewer calls to the front desk, and victims told sooner.",
    "Victim updates",
    ("waiting", "extra_processing"),
)
WITHDRAWAL_REASON = "The force's new victim updates service already texts the crime number, from next month."
COMMENTS = (
    "This happens on every late shift I work.",
    "We did something like this at my last station and it worked well.",
    "Could the same be done for the night-time economy patrols?",
    "Happy to help test this.",
)

FIRST_NAMES = (
    "Aisha", "Ben", "Chloe", "Daniel", "Emma", "Faisal", "Grace", "Harry", "Imran", "Jess", "Kieran", "Laura",
    "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sophie", "Tom", "Yasmin",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Khan",
    "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Roberts", "Shaw", "Thomas", "Wright",
)  # fmt: skip
RANKS = ("PC", "PC", "PC", "PCSO", "Sergeant", "DC")
