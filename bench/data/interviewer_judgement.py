"""Labelled scripted candidates for bench/interviewer_judgement.py.

Four contrasting jobs (practice interviews of six planned questions: introduction, two technical, one
behavioural, one situational, close). Each job pins its questions (``questions``: kind and text), so the
labels stay attached to the questions they answer whatever the planner would ask today. For each job and each answerable question (q1-q5), answers written
as a candidate would say them, labelled:

- ``S`` specific: on topic and concrete (an example, named tools or methods, figures, own actions, result);
- ``T`` thin: on topic but vague or short; ``L`` thin and long (a general ramble of 50+ words, which a
  judge of length alone would take for a specific answer);
- shared pools: ``O`` off-topic (about something else) and ``N`` non-answers ("I don't know", "pass").

A candidate is a job, an expected overall band (strong, solid, mixed, weak) and a script: for each of
q1-q5 the labels of the answers it gives, in order, one per interviewer turn on that question (a first
answer, then answers to follow-ups). ``variant`` picks among the written answers, so candidates with the
same labels do not say the same words.

Bands, from how many of the five questions end with a specific answer (S anywhere in its script):
strong: all five, at most one after a follow-up; solid: four or five, several after follow-ups; mixed: two
or three, with thin answers elsewhere and at most two non-answers or off-topic answers; weak: at most one,
with several non-answers or off-topic answers.
"""

JOBS = {
    "backend": dict(
        target_role="Backend Engineer", target_company="Ledgerly",
        job_description=(
            "Ledgerly is hiring a Backend Engineer to build the Python services behind our invoicing API. "
            "You will design REST APIs in Django on PostgreSQL, run background jobs with Celery and Redis, "
            "and deploy on Kubernetes. You care about observability, incident response and code review."
        ),
        questions=[
            ('introduction', 'To start, could you briefly introduce yourself and tell me what draws you to the Backend Engineer role at Ledgerly?'),
            ('technical', 'Walk me through a piece of work where you used Python in production. What trade-offs did you make, and what would you change now?'),
            ('technical', "Suppose a service you own that depends on another team's API starts timing out under peak load. How would you investigate it, and what would you change?"),
            ('behavioural', 'Tell me about a time you disagreed with a teammate about a technical decision. What did you do, and how did it turn out?'),
            ('situational', 'Imagine a release you shipped on a Friday afternoon is causing errors for a fraction of users. What do you do in the first hour?'),
            ('close', 'Before we finish, is there anything else you would like me to know about you?'),
        ],
        max_questions=6,
    ),
    "nurse": dict(
        target_role="Registered Nurse, Acute Medical Ward", target_company="Riverside Hospital",
        job_description=(
            "We are recruiting a Registered Nurse for a busy acute medical ward. Responsibilities include "
            "patient assessment, medication administration, care planning and documentation in Epic. You will "
            "recognise the deteriorating patient, escalate concerns and work within the multidisciplinary team."
        ),
        questions=[
            ('introduction', 'To start, could you briefly introduce yourself and tell me what draws you to the Registered Nurse, Acute Medical Ward role at Riverside Hospital?'),
            ('technical', 'Talk me through how you approach patient assessment at the start of a shift, and what you document.'),
            ('technical', 'Tell me about a time your medication administration changed the care a patient received. What did you notice, and what did you do?'),
            ('behavioural', 'Tell me about a time you had to advocate for a patient with the wider care team. What did you do, and what was the outcome?'),
            ('situational', 'Imagine two of your patients deteriorate at the same time while the ward is short-staffed. How do you prioritise, and who do you involve?'),
            ('close', 'Before we finish, is there anything else you would like me to know about you?'),
        ],
        max_questions=6,
    ),
    "sales": dict(
        target_role="Account Executive", target_company="Shipwise",
        job_description=(
            "Shipwise is hiring an Account Executive to sell our logistics SaaS to mid-market retailers. You "
            "will own the full cycle from prospecting and discovery calls to demos, negotiation and closing, "
            "manage your pipeline in Salesforce and hit a quarterly quota."
        ),
        questions=[
            ('introduction', 'To start, could you briefly introduce yourself and tell me what draws you to the Account Executive role at Shipwise?'),
            ('technical', 'Walk me through how you run prospecting for a new account, from first contact to a qualified opportunity.'),
            ('technical', 'Tell me about a deal where discovery calls made the difference. What was the size, the obstacle and the result?'),
            ('behavioural', 'Tell me about a deal you lost that you thought you would win. What did you do afterwards, and what changed?'),
            ('situational', 'Imagine you are at sixty percent of quota with three weeks left in the quarter. What do you do?'),
            ('close', 'Before we finish, is there anything else you would like me to know about you?'),
        ],
        max_questions=6,
    ),
    "product": dict(
        target_role="Product Manager", target_company="Habitly",
        job_description=(
            "Habitly is looking for a Product Manager for our mobile app. You will run user research and "
            "customer interviews, own the roadmap and prioritisation, write user stories with engineering "
            "partners, and use A/B testing and product analytics to improve activation and retention."
        ),
        questions=[
            ('introduction', 'To start, could you briefly introduce yourself and tell me what draws you to the Product Manager role at Habitly?'),
            ('technical', 'How do you decide what goes on the roadmap when user research competes with other priorities? Take me through a real decision.'),
            ('technical', 'Tell me how you have used customer interviews to change a product decision. What did you learn, and what did you ship as a result?'),
            ('behavioural', 'Tell me about a time you had to say no to an important stakeholder. How did you handle it, and what was the result?'),
            ('situational', 'Imagine usage of a key feature drops by fifteen percent the week after a release. How would you work out why, and what would you do?'),
            ('close', 'Before we finish, is there anything else you would like me to know about you?'),
        ],
        max_questions=6,
    ),
}

ANSWERS = {
    "backend": {
        "q1": {
            "S": [
                "I'm a backend engineer with five years of experience, the last three at Parcelnet where I own the "
                "shipment tracking API in Python and Django. I'm drawn to Ledgerly because invoicing has the same "
                "mix of correctness and scale that I enjoy, and I'd like to work closer to the payments side.",
                "I started in QA at a small agency in 2016, moved into backend work, and for the past four years I've "
                "built Django services at Tallyho, a bookkeeping startup, where I led the move to Celery for "
                "background jobs. Ledgerly's invoicing API is exactly the domain I know and want to go deeper in.",
            ],
            "T": [
                "Hi, yeah, I'm a developer, I've done a bit of everything really. The role looked interesting.",
                "I'm a software engineer. I like backend stuff and this seemed like a good fit, so I applied.",
            ],
        },
        "q2": {
            "S": [
                "At Parcelnet I rewrote our tracking webhook consumer in Python. It handled about 2 million events a "
                "day and was falling behind, so I moved the processing into Celery workers with Redis as the broker "
                "and batched the PostgreSQL writes. The trade-off was eventual consistency: the dashboard could lag "
                "by up to 30 seconds, which product accepted. Lag dropped from 40 minutes at peak to under a minute. "
                "Today I would add idempotency keys from the start, because we had duplicate rows for a week.",
                "Last year I built the invoice PDF service at Tallyho in Python with FastAPI. I chose to render "
                "synchronously behind a cache instead of a queue, because 95% of requests were for recent invoices. "
                "I load tested it with Locust at 300 requests per second and p95 stayed under 200 ms. The downside "
                "was memory: each worker needed 1 GB. I would now render in a separate worker pool so the API stays small.",
            ],
            "T": [
                "Yeah, I've used Python quite a bit. It's fine, I know it well, I've done lots of projects with it.",
                "I use Python every day basically, for APIs and scripts and things like that. It's pretty standard for us.",
            ],
            "L": [
                "Yeah so Python is basically my main language, I've been using it for years now across a lot of different projects and teams, backend services mostly, some scripts, some data work here and there. It's a good language, it's flexible, and I'm comfortable with pretty much everything in it, so I'd say it's one of my strengths.",
            ],
        },
        "q3": {
            "S": [
                "First I would check the dashboards in Grafana to see whether the timeouts line up with a traffic "
                "spike or a deploy. Then I would look at the traces for the slow calls to find where the time goes, "
                "usually the database or the upstream API. At Parcelnet this turned out to be connection pool "
                "exhaustion: we had 20 connections for 60 workers. I raised the pool, added a 2 second timeout with a "
                "circuit breaker, and the error rate fell from 8% to under 0.5%.",
                "I'd start with the metrics: latency per endpoint, error rates and the upstream's own response time, "
                "in Datadog. Then I'd reproduce the load in staging with k6 to confirm the bottleneck. If the "
                "dependency is the slow part I would add caching with Redis for the hot reads, set sensible timeouts "
                "and retries with backoff, and talk to the owning team. Last time I did this we cut p99 from 4 seconds to 600 ms.",
            ],
            "T": [
                "I'd look at the logs and see what's going on, and then fix whatever is slow. Probably add some caching.",
                "I would investigate it, check the usual things, and scale it up if needed. That usually sorts it out.",
            ],
            "L": [
                "So with timeouts there are lots of things it could be, it could be the network, it could be the other service, it could be our own code, so you have to look at everything really and narrow it down, and talk to the people involved, and then once you know what it is you fix it and make sure it doesn't happen again.",
            ],
        },
        "q4": {
            "S": [
                "At Tallyho a teammate wanted to move our reports to a separate microservice, and I thought it was "
                "too early. I wrote a one page comparison with the operational cost, and we agreed to try a Django "
                "app with its own database schema first. I paired with him on the boundaries. Six months later we "
                "still had one deployable, and the reports module was extracted in two weeks when we finally needed to.",
                "When I was at Parcelnet, a senior engineer wanted to use MongoDB for a new feature and I pushed for "
                "PostgreSQL with a JSONB column. I built a small prototype of both over two days and shared the query "
                "times. The team chose PostgreSQL, and I made sure his concerns about schema changes were handled "
                "with a migration checklist. We shipped on time and avoided running a second database.",
            ],
            "T": [
                "We disagreed sometimes, that's normal. We talked it through and it was fine in the end.",
                "I usually just discuss it with them and we find a compromise. I don't like conflict, so I try to keep it friendly.",
            ],
            "L": [
                "Yeah, disagreements happen all the time in engineering, everyone has their own opinions about how things should be done. I think the important thing is to stay open minded and respectful, listen to the other side, and in the end go with what's best for the team and the product, and that's generally what I try to do.",
            ],
        },
        "q5": {
            "S": [
                "First I would roll back the release, because users are affected and the rollback takes five minutes "
                "with our pipeline. Then I'd post in the incident channel so support knows, check Sentry to see "
                "which endpoints fail and for which users, and compare the diff. Once it's stable I'd write a short "
                "incident note and add a test for the failing case before shipping the fix on Monday.",
                "I would check Sentry and the error rate first to understand the blast radius, then turn off the "
                "feature flag if the change was behind one, or roll back otherwise. I'd tell the on-call channel and "
                "support what is happening. Then I'd find the root cause from the logs and write it up, and I'd push "
                "for no Friday afternoon deploys for risky changes.",
            ],
            "T": [
                "I'd try to fix it as quickly as possible, and tell people. It depends on the situation really.",
                "Probably look into it and see what the problem is, then deal with it. It happens sometimes.",
            ],
        },
    },
    "nurse": {
        "q1": {
            "S": [
                "I'm a registered nurse with four years on a respiratory ward at Northgate General, where I'm a "
                "link nurse for infection control. I'm drawn to Riverside's acute medical ward because I want broader "
                "acute experience, and your ward's work on early warning scores matches what I've been doing.",
                "I qualified in 2019 and have worked on a busy surgical ward since, including two years as a shift "
                "coordinator. I'm applying to Riverside because I want to move into acute medicine and your "
                "preceptorship for new band six nurses is well known.",
            ],
            "T": [
                "I'm a nurse, I've been nursing for a while. I like helping people, so this role suits me.",
                "Yes, hello, I've worked in a few hospitals. I just want a change really, and the ward sounded good.",
            ],
        },
        "q2": {
            "S": [
                "At the start of a shift I take handover at the bedside, then do a full set of observations on my "
                "six patients and calculate the NEWS2 score. I check drug charts, fluid balance and any pressure "
                "areas, and I prioritise anyone scoring 5 or more for review. Everything goes into Epic within the "
                "first hour, including the care plan changes, so the doctors' ward round has current information.",
                "I start with the handover sheet and the SBAR from the night nurse, then I see every patient in the "
                "first 30 minutes: airway, breathing, circulation, pain and mobility. I document observations and "
                "NEWS2 in Epic, update the falls and pressure ulcer risk assessments, and flag any patient whose "
                "score has risen to the nurse in charge.",
            ],
            "T": [
                "I do the usual checks on everyone and write it all down. It's pretty standard really.",
                "I go round the patients, see how they are, and document what I need to. Nothing special.",
            ],
            "L": [
                "Well, every shift is different really, it depends on the patients and how busy the ward is, but I always make sure I know my patients and what's going on with them, and I check on everyone and make sure everything is documented properly, because documentation is so important in nursing, as you know.",
            ],
        },
        "q3": {
            "S": [
                "Last winter I was giving the evening medicines and noticed a patient on warfarin had also been "
                "prescribed aspirin by the admitting team. I held the aspirin, checked the INR, which was 4.2, and "
                "bleeped the doctor. The aspirin was stopped and the warfarin dose reduced. I reported it on Datix "
                "and we added an anticoagulant check to our drug round.",
                "During a night shift I noticed a patient's blood pressure was 85 over 50 before her evening "
                "amlodipine. I withheld the dose, repeated the observations, and escalated to the doctor, who "
                "reviewed her fluids. She had been dehydrated; after IV fluids her pressure recovered to 120 over 70 "
                "and her antihypertensives were reduced.",
            ],
            "T": [
                "I always check the medicines carefully, and sometimes I've had to hold a dose. Safety comes first.",
                "Yeah, it happens, you notice things and you tell the doctor. That's part of the job.",
            ],
            "L": [
                "Medication safety is something I take really seriously, there are so many things that can go wrong with medicines, so I'm always very careful and I double check things and ask if I'm unsure, and there have definitely been times when that made a difference for patients, I think that's just part of being a good nurse.",
            ],
        },
        "q4": {
            "S": [
                "An elderly patient of mine was due to be discharged but I'd noticed she was confused and not "
                "eating. I raised it at the MDT meeting with my observations and a food chart, and asked for a "
                "delirium screen. The team agreed to delay discharge. She had a urinary infection, was treated, and "
                "went home four days later with a care package I helped arrange.",
                "A patient with learning disabilities was being rushed through a procedure without reasonable "
                "adjustments. I spoke to the consultant, arranged for his carer to be present, and asked the "
                "learning disability liaison nurse to join. The procedure was rescheduled by a day and went ahead "
                "calmly, and we added a flag in Epic for future admissions.",
            ],
            "T": [
                "I always speak up for my patients if something isn't right. The team is usually supportive.",
                "Yes, I've done that a few times, I told the doctors what I thought and they listened.",
            ],
            "L": [
                "Advocating for patients is a big part of the role for me, I think nurses spend the most time with patients so we often notice things first, and I've always been someone who speaks up when something doesn't feel right, even with senior staff, because at the end of the day the patient comes first.",
            ],
        },
        "q5": {
            "S": [
                "First I'd do a quick ABCDE assessment of both to see who is sicker, and call for help straight "
                "away: I'd pull the emergency bell for the one with a compromised airway and ask the nurse in charge "
                "to cover my other patients. I'd escalate to the outreach team and the doctor with SBAR, then stay "
                "with the sicker patient while a colleague monitors the other.",
                "I'd prioritise with a rapid assessment, airway and breathing first, then call the rapid response "
                "team for the patient with the higher NEWS2. I'd tell the nurse in charge so the healthcare "
                "assistant can take observations on the other patient every 15 minutes, and document everything "
                "once both are stable.",
            ],
            "T": [
                "I'd see who needs me most and get help. You just have to cope with it on a busy ward.",
                "I would prioritise and escalate, and do my best for both of them.",
            ],
        },
    },
    "sales": {
        "q1": {
            "S": [
                "I'm an account executive at Freightly, a transport management SaaS, where I've sold to mid-market "
                "retailers for three years and hit 112% of quota last year. Shipwise sells to the same buyers with a "
                "stronger product, so I can bring my network of operations directors and learn a bigger platform.",
                "I started as an SDR at Stockroom in 2018, was promoted to account executive after 14 months, and now "
                "run a book of about 40 mid-market accounts. I want to join Shipwise because logistics software is "
                "where I've had the best results and your deal sizes are a step up.",
            ],
            "T": [
                "I'm in sales, I've been doing it for a few years. I like talking to people and closing deals.",
                "Hi, yes, I'm a salesperson, I've sold all sorts of things. Shipwise looked like a good company.",
            ],
        },
        "q2": {
            "S": [
                "I build a list of 50 accounts in Salesforce from our ideal customer profile: retailers with 20 to "
                "200 stores and a recent warehouse expansion. I research each in LinkedIn Sales Navigator, then run "
                "a three week sequence of calls and personalised emails to the head of operations. On the discovery "
                "call I qualify with MEDDIC, and I only create an opportunity once I know the pain, the budget owner "
                "and the timeline. That gets me about six qualified opportunities a month.",
                "For a new account I start with research: their store count, their carriers and any job posts for "
                "logistics roles. I call the operations director and the finance lead in parallel, with a short "
                "email referencing a similar customer. On the first call I ask about their returns costs and "
                "delivery complaints. If they can put a number on the problem and name who signs, I book a demo and "
                "log the opportunity in HubSpot.",
            ],
            "T": [
                "I do a lot of cold calling and emails, and try to get meetings. You have to be persistent.",
                "I reach out on LinkedIn and by phone, and then qualify them. It's pretty standard prospecting.",
            ],
            "L": [
                "Prospecting is all about consistency really, you have to put the work in every day, research your accounts, reach out through different channels, follow up, and keep going even when people don't answer. I'm quite disciplined about it and I think that's why I've done well, you just have to keep the pipeline full.",
            ],
        },
        "q3": {
            "S": [
                "Last year I worked a deal with a 90-store fashion retailer worth $180k a year. On the discovery "
                "calls I found their real problem wasn't shipping rates but returns: they were losing 12% of "
                "margin on them. I reshaped the demo around returns, brought in our solutions engineer, and the CFO "
                "joined the second call. We closed in 11 weeks against a competitor who was cheaper.",
                "At Freightly I was stuck on a $60k deal with a garden centre chain until I ran a second discovery "
                "call with their warehouse managers. They told me the peak season delays cost them about 300 orders "
                "a week. I built the business case on that number, the operations director championed it, and we "
                "signed a two year contract.",
            ],
            "T": [
                "Discovery is really important, I always ask lots of questions. It helped me close a big deal once.",
                "Yeah, good discovery makes the difference, you find out what they need and then sell it to them.",
            ],
            "L": [
                "Discovery is honestly the most important part of the sale in my opinion, if you don't understand what the customer really needs you can't sell them anything, so I always spend a lot of time asking questions and listening, and I've had plenty of deals where that made all the difference in the end.",
            ],
        },
        "q4": {
            "S": [
                "I lost a $120k deal with a furniture retailer to a cheaper competitor after I'd been told we were "
                "the preferred vendor. I asked the buyer for a loss review call, and learned I'd never met their "
                "finance director. Since then I map every buying group member in Salesforce by the second meeting, "
                "and my win rate on deals over $50k went from 22% to 31% the next year.",
                "I lost a renewal-sized expansion at Stockroom because procurement came in late with a security "
                "review I hadn't anticipated. I did a post-mortem with my manager and built a checklist for "
                "security and legal steps at the proposal stage. On my next three enterprise deals we started the "
                "security review two weeks earlier and none of them slipped.",
            ],
            "T": [
                "I've lost a few deals, it happens in sales. You just move on to the next one.",
                "Yes, I lost one I thought was a sure thing. I learned from it and did things better next time.",
            ],
            "L": [
                "Losing deals is part of sales, everyone loses deals, and I've lost some I really thought I had. The key is not to take it personally, reflect on what happened, learn whatever lessons there are, and bring that into the next opportunity, and that's always been my approach to it.",
            ],
        },
        "q5": {
            "S": [
                "First I'd review every opportunity in my pipeline in Salesforce and sort them by stage and close "
                "date, to see which deals can realistically close in three weeks. I'd focus on the top five, get "
                "time with each economic buyer, and ask my manager whether we can offer a start-date incentive for "
                "signing this quarter. I'd also look for quick expansions with existing customers.",
                "I'd start with an honest pipeline review with my manager, then put my time into the two or three "
                "deals closest to signing: confirm the paper process, line up legal early, and agree a mutual "
                "close plan with each champion. In parallel I'd call existing customers about add-ons, because "
                "those close faster.",
            ],
            "T": [
                "I'd work harder and make more calls. I always find a way to get there in the end.",
                "Push the pipeline, talk to my manager, that kind of thing. Try to close what I can.",
            ],
        },
    },
    "product": {
        "q1": {
            "S": [
                "I'm a product manager at Stepcount, a fitness app with about 300,000 monthly users, where I've owned "
                "onboarding and notifications for two years. Before that I was a UX researcher. I'm drawn to Habitly "
                "because habit formation is the problem I care about, and you're at the stage where activation work "
                "has a big impact.",
                "I moved into product from customer support at a banking app in 2020, and I've been a product "
                "manager on the savings team since. I've run our A/B testing programme and about 60 customer "
                "interviews. Habitly appeals to me because the product is research led and small enough to own a "
                "whole area.",
            ],
            "T": [
                "I'm a product person, I've worked on apps for a while. I really like what Habitly does.",
                "I'm a PM, I like building products that people use. The role sounded like a good match for me.",
            ],
        },
        "q2": {
            "S": [
                "At Stepcount our research showed new users didn't understand streaks, but sales wanted a Garmin "
                "integration for a partnership. I scored both with RICE: the streak fix reached all 20,000 new users "
                "a month, the integration maybe 2,000. I shared the numbers with the head of sales, we put the "
                "streak work first, and day seven retention rose from 18% to 23%. The integration shipped a quarter later.",
                "Last year I had research showing that reminders felt spammy, competing with a growth request for "
                "more push notifications. I brought five interview clips to the roadmap review and proposed a test: "
                "fewer, smarter reminders for half of new users. The test ran for three weeks, uninstalls fell by 9% "
                "with no drop in sessions, and that settled the roadmap.",
            ],
            "T": [
                "I look at what's most important and balance it with other things. Research is always important to me.",
                "I prioritise based on impact and effort, like everyone does. It depends on the situation.",
            ],
            "L": [
                "Roadmaps are always a balancing act, there are so many inputs, research, sales, leadership, engineering, and you can't do everything. I try to keep the user at the centre and be data driven, and communicate clearly with everyone about why we're doing what we're doing, so that people feel heard even when their thing isn't first.",
            ],
        },
        "q3": {
            "S": [
                "I ran 12 customer interviews with users who had cancelled within a month. Eight of them said the "
                "first week felt like homework because we asked them to set five goals. We had planned to build a "
                "social feed next, but I changed the plan: we shipped a one goal onboarding in Figma prototypes "
                "first, tested it, then built it. Week one retention went up by 6 points.",
                "At the banking app, interviews with 15 small business owners showed they wanted invoices matched "
                "to payments, not a new dashboard we had in the roadmap. I wrote the user stories with engineering, "
                "we shipped a simple matching feature in six weeks, and it became the most used feature for that "
                "segment within a month.",
            ],
            "T": [
                "I talk to customers a lot, and it often changes what we build. Interviews are really valuable.",
                "Yes, we did interviews and learned a lot from them, and then we changed some things in the product.",
            ],
            "L": [
                "Customer interviews are one of my favourite parts of the job, you always learn something you didn't expect, and I've definitely changed direction on things because of what customers told us. I think every product manager should be talking to customers regularly, it keeps you honest and grounded in real problems.",
            ],
        },
        "q4": {
            "S": [
                "Our chief marketing officer wanted a referral feature built in three weeks for a campaign. I "
                "showed her the engineering estimate of eight weeks and the data that referrals drove 2% of signups. "
                "I said no to the deadline but offered a shareable invite link we could ship in four days. She "
                "agreed, the campaign ran, and the link drove 1,500 signups.",
                "A key enterprise client asked us to build custom reporting just for them. I met their sponsor, "
                "explained why a one-off build would slow the roadmap for everyone, and offered a CSV export plus a "
                "Looker template instead. They accepted, renewed their contract, and the export became a feature "
                "for all customers.",
            ],
            "T": [
                "I said no nicely and explained why. Stakeholders usually understand if you give reasons.",
                "It's hard to say no but sometimes you have to. I just try to be honest with people.",
            ],
            "L": [
                "Saying no is one of the hardest parts of product management, but it's necessary, you can't please everyone. I try to be transparent, explain the trade-offs and the reasons, and keep the relationship positive, and usually stakeholders respect that even if they're disappointed at first.",
            ],
        },
        "q5": {
            "S": [
                "First I'd check whether the drop is real: the analytics events, the app versions and platforms "
                "affected, in Amplitude. Then I'd compare the funnel before and after the release to find the step "
                "where users leave, and read recent support tickets and app reviews. If it's one platform I'd ask "
                "engineering to check the release diff, and I'd consider rolling back while we investigate.",
                "I'd start by segmenting the drop in our product analytics by platform, version and user cohort, "
                "to see if it's tied to the release or to something seasonal. Then I'd talk to support and watch "
                "five session recordings of users hitting the feature. If the release broke something, we roll "
                "back or hotfix; if it's a design change, I'd run a quick test of the old flow against the new one.",
            ],
            "T": [
                "I'd look at the data and figure out what happened, then fix it with the team.",
                "I'd investigate and talk to the team. It could be lots of things, so it depends.",
            ],
        },
    },
}

OFF_TOPIC = [
    "Honestly I had ramen last night and my cat knocked the whole bowl off the table, so I'm a bit tired today. "
    "We spent an hour cleaning the floor and she just sat there watching us.",
    "That reminds me, did you see the football at the weekend? What a match, we were shouting at the TV the whole "
    "second half and my neighbour came round to complain.",
    "I'm actually off on holiday to Portugal next month, we're renting a flat near the beach and I've been "
    "planning the trip for weeks, the food there is amazing.",
    "The traffic on the way here was awful, it took me an hour and a half, and the car's air conditioning "
    "broke, so I'm still recovering from the commute to be honest.",
    "My dog has been ill all week, we've been up every night with him and the vet thinks it's something he ate "
    "in the garden, so it's been a long few days at home.",
    "I've been watching this amazing series on Netflix about cooking competitions, it's got me trying new "
    "recipes every weekend, last Sunday I made my own pasta from scratch.",
]
NON_ANSWERS = [
    "I don't know.",
    "Sorry, I'm not sure, I haven't really done that.",
    "Hmm, I can't think of anything right now, sorry.",
    "Pass, if that's okay.",
    "No idea, to be honest.",
    "I've never been in that situation, so I don't know what I'd do.",
]
CLOSE_ANSWERS = [
    "No, I think we covered it, thank you.",
    "Just that I'm really keen on this role. Thank you for your time.",
]

# job, band, script (labels per question q1..q5, one per interviewer turn on it), variant
CANDIDATES = [
    # backend
    ("backend", "strong", ["S", "S", "S", "S", "S"], 0),
    ("backend", "strong", ["S", "TS", "S", "S", "S"], 1),
    ("backend", "solid", ["S", "TS", "TS", "S", "T"], 0),
    ("backend", "solid", ["TS", "S", "LS", "S", "S"], 1),
    ("backend", "mixed", ["T", "LT", "S", "OT", "TS"], 0),
    ("backend", "mixed", ["S", "T", "NT", "LT", "S"], 1),
    ("backend", "weak", ["T", "NN", "OO", "N", "T"], 0),
    ("backend", "weak", ["O", "TT", "N", "NN", "O"], 1),
    # nurse
    ("nurse", "strong", ["S", "S", "S", "S", "S"], 1),
    ("nurse", "strong", ["S", "S", "TS", "S", "S"], 0),
    ("nurse", "solid", ["TS", "S", "TS", "TS", "S"], 1),
    ("nurse", "solid", ["S", "LS", "S", "LT", "S"], 0),
    ("nurse", "mixed", ["T", "TS", "N", "S", "OT"], 1),
    ("nurse", "mixed", ["TS", "LT", "LT", "S", "N"], 0),
    ("nurse", "weak", ["N", "TT", "OO", "N", "T"], 1),
    ("nurse", "weak", ["T", "N", "NN", "O", "TT"], 0),
    # sales
    ("sales", "strong", ["S", "S", "S", "TS", "S"], 0),
    ("sales", "strong", ["S", "S", "S", "S", "S"], 1),
    ("sales", "solid", ["S", "LS", "S", "LT", "TS"], 1),
    ("sales", "solid", ["TS", "S", "TS", "S", "T"], 0),
    ("sales", "mixed", ["T", "LS", "OS", "L", "TT"], 0),
    ("sales", "mixed", ["S", "NT", "TS", "T", "OT"], 1),
    ("sales", "weak", ["T", "OO", "N", "NN", "T"], 1),
    ("sales", "weak", ["N", "TT", "N", "O", "NN"], 0),
    # product
    ("product", "strong", ["S", "S", "S", "S", "S"], 0),
    ("product", "strong", ["S", "S", "TS", "S", "S"], 1),
    ("product", "solid", ["S", "LS", "S", "LT", "S"], 0),
    ("product", "solid", ["TS", "TS", "S", "S", "TS"], 1),
    ("product", "mixed", ["T", "TT", "NS", "TS", "TT"], 1),
    ("product", "mixed", ["TS", "L", "LT", "O", "S"], 0),
    ("product", "weak", ["T", "N", "OO", "LT", "N"], 0),
    ("product", "weak", ["O", "NN", "T", "N", "O"], 1),
]

# --- second set: written after the heuristics were tuned on the set above. Its first run found two gaps
# ("I don't really know" was not a non-answer; a plan for a hypothetical naming steps and people but no
# tools was thin), since fixed by general rules, so it is no longer strictly unseen. --------------------
HELD_OUT_JOBS = {
    "teacher": dict(
        target_role="Maths Teacher", target_company="Hillside Academy",
        job_description=(
            "Hillside Academy, a secondary school, is looking for a Maths Teacher for Key Stage 3 and 4. You will "
            "plan lessons, use assessment for learning and differentiation for mixed-ability classes, manage "
            "behaviour, mark and give feedback, and work with parents and the SEN team."
        ),
        questions=[
            ('introduction', 'To start, could you briefly introduce yourself and tell me what draws you to the Maths Teacher role at Hillside Academy?'),
            ('technical', 'Walk me through how you approach differentiation for a class with a wide range of abilities.'),
            ('technical', 'Tell me about a time your feedback changed how a student progressed. What did you do?'),
            ('behavioural', 'Tell me about a time you worked with a parent or colleague who disagreed with your approach. What did you do?'),
            ('situational', 'Imagine a usually engaged student has stopped participating and their grades are falling. What do you do?'),
            ('close', 'Before we finish, is there anything else you would like me to know about you?'),
        ],
        max_questions=6,
    ),
}
HELD_OUT_ANSWERS = {
    "teacher": {
        "q1": {
            "S": [
                "I've taught maths for six years, the last three at Brookfield High where I'm second in department "
                "and run the Year 11 intervention programme. Hillside appeals to me because of your mastery approach "
                "at Key Stage 3, which is what I've been trialling with my own Year 7 groups.",
                "I trained through Teach First in Leeds and have spent four years at a large comprehensive teaching "
                "Years 7 to 13. I'm applying because I want to work somewhere with a strong focus on feedback and "
                "coaching, and your department's results in GCSE maths have improved every year.",
            ],
            "T": [
                "I'm a teacher, I've been teaching maths for some time now. I think Hillside is a nice school.",
                "Well, I love maths and I love working with young people, so teaching has always been my thing really.",
            ],
        },
        "q2": {
            "S": [
                "I plan every lesson with a common starting task and three levels of challenge, which students choose "
                "from after a hinge question on mini whiteboards. In my Year 9 set the spread went from working at "
                "grade 2 to grade 7, so I used pre-teaching with the teaching assistant for five students with SEN "
                "and extension problems from NRICH for the top group. By the summer, 80% of the set met their target.",
                "I start from the data: last assessment scores and the SEN register. Then I group students flexibly "
                "by topic, not by ability label. For fractions with my Year 8 class I used bar models for students "
                "who were struggling and open investigations for those who were secure, and I checked progress every "
                "lesson with exit tickets. Their end of unit scores rose by 15 percentage points on average.",
            ],
            "T": [
                "I give different work to different students depending on what they can do. Some get easier "
                "worksheets and some get harder ones, and I try to help everyone as much as I can during the lesson.",
                "Differentiation is really important. I make sure everyone is included and challenged at their level.",
            ],
        },
        "q3": {
            "S": [
                "A Year 10 student kept losing marks on algebra because she skipped steps. Instead of a grade I wrote "
                "two specific comments on each homework and gave her ten minutes in the next lesson to redo one "
                "question. After six weeks her algebra marks went from 40% to 72%, and she started checking her own "
                "working without being asked.",
                "I switched my Year 11 group to whole class feedback: I read their mock papers, found the three most "
                "common mistakes, and taught a starter on each. One boy who was predicted a grade 3 realised he was "
                "losing a third of his marks on units and rounding. He got a grade 5 in the summer.",
            ],
            "T": [
                "I always give detailed feedback and students appreciate it. It really helps them progress over time.",
                "Yes, I've had students improve a lot after my feedback, it's one of the best parts of the job.",
            ],
        },
        "q4": {
            "S": [
                "A parent emailed the head saying I was setting too much homework for her son, who has dyslexia. I "
                "called her the same day, listened, and we agreed he would do the first five questions and show his "
                "working instead of the full sheet. I told the SEN coordinator so other teachers knew. His completion "
                "rate went from about half to almost every week, and she thanked us at parents' evening.",
                "My head of department wanted everyone to use the same textbook scheme, and I thought it moved too "
                "fast for my lower set. I asked to trial a slower sequence for one half term and shared the "
                "assessment results with him. My group scored 12% higher than the previous year's set, and he let us "
                "adapt the scheme for all lower sets.",
            ],
            "T": [
                "I try to listen to parents and explain my reasons. Usually we reach an agreement in the end.",
                "There are always disagreements in schools. I stay professional and calm about it.",
            ],
        },
        "q5": {
            "S": [
                "First I'd have a quiet word with the student after the lesson, just to ask how things are, without "
                "mentioning grades. Then I'd check with their form tutor and the pastoral team whether anything has "
                "changed at home or with friends, and look at their attendance. If there's a safeguarding concern I'd "
                "log it on CPOMS straight away. I'd also call home and set up a short check-in each week.",
                "I'd start by looking at the pattern: when it started, which lessons, and whether other teachers have "
                "noticed it too. I'd talk to the student one to one and to the head of year. Then I'd contact home, "
                "and if needed refer to the school counsellor, and I'd adjust the seating and give them a small role "
                "in lessons to rebuild confidence.",
            ],
            "T": [
                "I'd talk to them and see what's wrong, and maybe contact the parents. You have to be supportive.",
                "I would try to find out what's going on and help them get back on track.",
            ],
        },
    },
}
HELD_OUT_OFF_TOPIC = [
    "Oh, funny you ask, I've just come back from a camping trip in Wales, it rained the whole week and our tent "
    "flooded on the second night, so we ended up in a pub by the fire.",
    "My sister's wedding is next weekend and I'm giving a speech, so honestly that's all I can think about at "
    "the moment, I've written four versions already.",
]
HELD_OUT_NON_ANSWERS = [
    "Hmm, that's a tough one, I'm drawing a blank.",
    "I'm not sure what to say, sorry.",
    "Um... I don't really know.",
]
HELD_OUT_CANDIDATES = [
    ("teacher", "strong", ["S", "S", "S", "S", "S"], 0),
    ("teacher", "strong", ["S", "TS", "S", "S", "S"], 1),
    ("teacher", "solid", ["TT", "S", "TS", "S", "TS"], 0),
    ("teacher", "solid", ["S", "TS", "TS", "TT", "S"], 1),
    ("teacher", "mixed", ["T", "TS", "OT", "TT", "S"], 0),
    ("teacher", "mixed", ["TS", "TT", "N", "T", "S"], 1),
    ("teacher", "weak", ["T", "NN", "O", "TT", "N"], 0),
    ("teacher", "weak", ["OT", "T", "NN", "OO", "T"], 1),
]
