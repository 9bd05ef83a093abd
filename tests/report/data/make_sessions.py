# ruff: noqa: E501  (transcript lines are kept whole)
"""Writes contrast_sessions.jsonl: hand-written practice transcripts contrasting listening quality.

Written from the MITI 4.2.1 descriptions and peer-support practice, not from the coach's rules or the
report's code: "good" sessions reflect more than they ask, ask open questions and leave the peer in
charge; "poor" ones advise, reassure, judge and interrogate; "mixed" ones do some of each.
Run: python tests/report/data/make_sessions.py  (the .jsonl is committed; this is its source).
"""

import json
from pathlib import Path

T, P = "trainee", "peer"

S = {}

S["bullied_at_school"] = {
    "good": [
        (P, "Hi. My mum said I should talk to someone. I don't really know what to say."),
        (T, "Hi Sam, I'm glad you came. There's no right thing to say. What's been going on?"),
        (P, "Just school stuff. Some kids in my year have been saying things. Online too."),
        (T, "So it's not only at school, it follows you home on your phone as well."),
        (P, "Yeah. I can't get away from it. Even at night my phone keeps buzzing."),
        (T, "That sounds exhausting, like there's nowhere that feels safe anymore."),
        (P, "Kind of. I've stopped going to lunch. I just sit in the library."),
        (T, "You've found a way to protect yourself, even if it's lonely in there."),
        (P, "I guess. I miss my friends though. They don't really get it."),
        (T, "Part of you wants to be with them, and part of you feels they wouldn't understand."),
        (P, "Yeah. That's exactly it."),
        (T, "What would you want them to understand, if they could?"),
        (P, "That it's not just a joke. It actually hurts."),
        (T, "It really hurts, and being told it's a joke makes it worse."),
    ],
    "poor": [
        (P, "Hi. My mum said I should talk to someone. I don't really know what to say."),
        (T, "Hi. Are you being bullied?"),
        (P, "Kind of. Some kids have been saying things online."),
        (T, "You should block them and tell a teacher straight away."),
        (P, "I don't know. It might make it worse."),
        (T, "Don't worry, teachers deal with this all the time. It'll blow over."),
        (P, "Maybe."),
        (T, "Why didn't you tell your mum sooner?"),
        (P, "I don't know. I didn't want her to worry."),
        (T, "You need to be honest with her. Keeping secrets only makes things worse, and you're old enough to know that."),
        (P, "Okay."),
        (T, "Have you tried just ignoring them? Bullies get bored if you don't react. When I was at school I just laughed it off and it stopped."),
    ],
    "mixed": [
        (P, "Hi. My mum said I should talk to someone. I don't really know what to say."),
        (T, "Hi Sam. What's been happening at school?"),
        (P, "Some kids keep saying stuff about me online."),
        (T, "That sounds really upsetting."),
        (P, "Yeah. I've stopped going to lunch."),
        (T, "You should tell a teacher about it."),
        (P, "I don't want to make it worse."),
        (T, "Have you blocked them?"),
        (P, "Some of them."),
        (T, "You're worried that speaking up could make things worse."),
        (P, "Yeah, that's it."),
    ],
}

S["breakdown_after_affair"] = {
    "good": [
        (P, "I'm not sure where to start. It's been a strange few months."),
        (T, "Take your time, Nadia. Where would you like to start?"),
        (P, "I found out my husband was having an affair. Then everything fell apart and I ended up in hospital."),
        (T, "So two huge things landed on you at once, the affair and then your own health."),
        (P, "Yes. I still feel ashamed about the hospital part."),
        (T, "It makes sense that you'd feel that way. There's a lot of shame around that for people."),
        (P, "I keep thinking I should have coped better."),
        (T, "You're holding yourself to a standard of coping that nobody could have met in that situation."),
        (P, "Maybe. My sister says the same."),
        (T, "It took real courage to get help when you needed it."),
        (P, "I suppose it did. I didn't think of it like that."),
        (T, "What has helped you get through the days since?"),
        (P, "My kids, mostly. And walking."),
        (T, "Your kids and those walks are what's keeping you going right now."),
    ],
    "poor": [
        (P, "I'm not sure where to start. It's been a strange few months."),
        (T, "Just tell me what happened."),
        (P, "My husband had an affair, and I ended up in hospital for a while."),
        (T, "You need to leave him. You deserve better than that."),
        (P, "It's not that simple. We have kids."),
        (T, "At least you have your kids. Lots of people go through worse."),
        (P, "I know."),
        (T, "Did you take your medication like they told you?"),
        (P, "Mostly."),
        (T, "Mostly isn't good enough, you have to take it every day or you'll end up back in hospital."),
        (P, "Okay."),
        (T, "You're clearly depressed. You should see a therapist and get some proper help."),
    ],
    "mixed": [
        (P, "I'm not sure where to start. It's been a strange few months."),
        (T, "What's been happening for you?"),
        (P, "My husband had an affair, and then I ended up in hospital."),
        (T, "That's a lot to carry, the betrayal and then being so unwell."),
        (P, "It is. I feel like I failed."),
        (T, "Don't be so hard on yourself, you didn't fail."),
        (P, "That's easy to say."),
        (T, "Are you still living together?"),
        (P, "For now."),
        (T, "You should think about counselling for the two of you."),
        (P, "Maybe."),
        (T, "What would feel right for you?"),
    ],
}

S["family_and_addiction"] = {
    "good": [
        (P, "It's my son. He's using again. I thought we were past it."),
        (T, "You'd started to hope it was behind you, and now it's back."),
        (P, "Eight months clean. I really thought this time was different."),
        (T, "That must feel like a gut punch after eight months."),
        (P, "It does. And I'm so angry with him, then I feel guilty for being angry."),
        (T, "You're angry and you love him, and both of those are there at the same time."),
        (P, "Yes. Nobody else seems to get that."),
        (T, "No wonder you feel alone with it if people only see one side."),
        (P, "My husband just wants to throw him out."),
        (T, "What do you want, Denise?"),
        (P, "I want him safe. I don't know if that means him at home or not."),
        (T, "Keeping him safe is what matters most to you, and you're still working out what that looks like."),
    ],
    "poor": [
        (P, "It's my son. He's using again. I thought we were past it."),
        (T, "What is he using? How much? How often?"),
        (P, "Heroin, I think. I don't know how much."),
        (T, "You have to stop giving him money. You're enabling him."),
        (P, "I don't give him money. Not really."),
        (T, "Well, you need tough love. Kick him out until he gets clean."),
        (P, "He's my son."),
        (T, "I know, but you can't help someone who doesn't want to be helped. Addicts have to hit rock bottom."),
        (P, "I suppose."),
        (T, "Why did you let him move back in the first place?"),
        (P, "He had nowhere else to go."),
        (T, "Stay strong. Everything happens for a reason, it'll work out in the end."),
    ],
    "mixed": [
        (P, "It's my son. He's using again. I thought we were past it."),
        (T, "Oh no. How long was he clean?"),
        (P, "Eight months."),
        (T, "So this feels like a real setback after all that time."),
        (P, "It does. I'm furious with him."),
        (T, "You need to set some firm boundaries with him."),
        (P, "I've tried that."),
        (T, "What happened when you tried?"),
        (P, "He just left for a week and I was terrified."),
        (T, "Being that scared for him must have been awful."),
        (P, "It was."),
        (T, "Have you been to a family support group?"),
    ],
}

S["new_diagnosis"] = {
    "good": [
        (P, "I got diagnosed with bipolar last month. Everyone's being weird about it."),
        (T, "Weird in what way?"),
        (P, "Like they're watching me. Waiting for me to do something mad."),
        (T, "So since the diagnosis, people look at you as the label rather than as you."),
        (P, "Exactly. My mum asks if I've taken my pills every time I'm a bit annoyed."),
        (T, "That sounds frustrating, as if you can't have an ordinary feeling anymore."),
        (P, "Yes! I'm allowed to be annoyed about normal things."),
        (T, "Of course you are. Anyone would find that wearing."),
        (P, "Part of me is relieved to have a name for it though."),
        (T, "It's a relief to understand what's been happening, and at the same time the name brings this other stuff."),
        (P, "That's it. Both at once."),
        (T, "How do you want people to treat you now?"),
        (P, "Like before. Like me."),
        (T, "You want to be seen as Leah first."),
    ],
    "poor": [
        (P, "I got diagnosed with bipolar last month. Everyone's being weird about it."),
        (T, "Are you taking your medication?"),
        (P, "Yes. That's not really the point."),
        (T, "It is the point though. Bipolar people have to stay on their meds, that's the most important thing."),
        (P, "I know that."),
        (T, "Don't worry about what other people think. They'll get used to it."),
        (P, "It's my own family."),
        (T, "You're being a bit oversensitive. They're just worried about you."),
        (P, "Maybe."),
        (T, "You should read up on it so you can explain it to them. I'll send you some websites."),
        (P, "Okay."),
        (T, "Have you got a psychiatrist? Have you told work? Do they know?"),
    ],
    "mixed": [
        (P, "I got diagnosed with bipolar last month. Everyone's being weird about it."),
        (T, "What has that been like for you?"),
        (P, "Like they're watching me all the time."),
        (T, "You feel watched, like they're waiting for something to go wrong."),
        (P, "Yes."),
        (T, "Have you told them how it makes you feel?"),
        (P, "Not really."),
        (T, "You should sit them down and explain it."),
        (P, "I don't know if they'd listen."),
        (T, "Do you think they would?"),
        (P, "Probably not."),
        (T, "That sounds lonely."),
    ],
}

S["wheelchair_after_accident"] = {
    "good": [
        (P, "Hey. So, yeah. New wheels. Still getting used to it."),
        (T, "Hey Tash. What's it been like, getting used to it?"),
        (P, "Honestly? Rubbish. Everything takes twice as long and people stare."),
        (T, "So on top of the practical stuff, there's the staring, which wears you down."),
        (P, "Yeah. I used to play netball. Now I can't even get into half the cafes in town."),
        (T, "You've lost a lot of the things that were just normal life before."),
        (P, "That's what gets me. I was so independent."),
        (T, "Being independent really matters to you."),
        (P, "It does. I hate asking for help."),
        (T, "It makes sense it would be hard, when you've always been the one who managed on your own."),
        (P, "Exactly. My physio keeps telling me about wheelchair basketball."),
        (T, "Would it be okay if I asked how you feel about that idea?"),
        (P, "Part of me's curious. Part of me thinks it's admitting this is forever."),
        (T, "So trying it would feel like accepting something you're not ready to accept yet."),
    ],
    "poor": [
        (P, "Hey. So, yeah. New wheels. Still getting used to it."),
        (T, "At least you survived the accident. It could have been much worse."),
        (P, "I guess."),
        (T, "You should try wheelchair basketball, it's really good for people like you."),
        (P, "My physio keeps saying that."),
        (T, "Then you should listen to her, she's the expert."),
        (P, "Maybe I'm just not ready."),
        (T, "You can't sit around feeling sorry for yourself forever."),
        (P, "That's not what I'm doing."),
        (T, "Was the accident your fault?"),
        (P, "Does it matter?"),
        (T, "Stay positive. Everything happens for a reason and you'll be walking again before you know it."),
    ],
    "mixed": [
        (P, "Hey. So, yeah. New wheels. Still getting used to it."),
        (T, "How are you finding it?"),
        (P, "Hard. People stare all the time."),
        (T, "That sounds really frustrating."),
        (P, "It is. And I miss netball."),
        (T, "You should try wheelchair basketball instead."),
        (P, "Everyone says that."),
        (T, "So you're tired of people telling you what to do."),
        (P, "Yeah, a bit."),
        (T, "Did the accident happen near here?"),
        (P, "Yeah, on the ring road."),
        (T, "What would help most right now?"),
    ],
}

out = Path(__file__).with_name("contrast_sessions.jsonl")
with out.open("w", encoding="utf-8") as fh:
    for scenario, labelled in S.items():
        for label, turns in labelled.items():
            fh.write(json.dumps({"id": f"{scenario}-{label}", "label": label, "scenario": scenario,
                                 "turns": [{"speaker": s, "text": t} for s, t in turns]}) + "\n")
print(out)
