/*
 * The coach's card, and the fallback for any other non-text bot message, as rasa-webchat's
 * `customComponent`.
 *
 * rasa-webchat hands every bot message that is not plain text, buttons, an image, a video or a carousel to
 * `customComponent`, spreading the message's keys into its props (plus `id`, `isLast`, and redux's `store`
 * and `dispatch`). The coach's message is `{"coach": {text, directive, flags, note, kind}}`; each flag is
 * `{category, start, end, text, explanation, rephrasings}` (an optional `label` is the category's display
 * name). Older action servers sent the note as text as well, and the flags only: both shapes render.
 *
 * Everything here is built with React.createElement from React's own UMD build (the exact version the
 * widget bundles): React elements are plain objects, so the widget's copy of React renders them. No hooks
 * (they would need this copy's dispatcher). Every piece of text is a React child, so React sets it as
 * text: nothing a trainee or the bot wrote is ever parsed as HTML.
 */
(function (global) {
  "use strict";

  var React = global.React;
  var h = React.createElement;

  /** "minimizing" -> "Minimizing"; "expert_positioning" -> "Expert positioning". */
  function humanise(category) {
    var words = String(category || "").replace(/[_-]+/g, " ").trim();
    return words ? words.charAt(0).toUpperCase() + words.slice(1) : "";
  }

  /** A note's plain text without its leading "Coach:" (the card's label says it already). */
  function withoutLabel(note) {
    return String(note || "").replace(/^\s*Coach:\s*/, "");
  }

  /**
   * Flags on the same words, merged (as the coach's own note does), each category once, at most `max`.
   * Returns [{flag, categories: [...]}, ...] and how many further spans were left out.
   */
  function groupFlags(flags, max) {
    var groups = [];
    var seen = {};
    var more = 0;
    (flags || []).forEach(function (flag) {
      if (!flag || seen[flag.category]) {
        return;
      }
      seen[flag.category] = true;
      var same = groups.filter(function (g) {
        return g.flag.start === flag.start && g.flag.end === flag.end;
      })[0];
      if (same) {
        same.labels.push(flag.label || humanise(flag.category));
      } else if (groups.length < max) {
        groups.push({ flag: flag, labels: [flag.label || humanise(flag.category)] });
      } else {
        more += 1;
      }
    });
    return { groups: groups, more: more };
  }

  function flagBlock(group, index) {
    var flag = group.flag;
    var rephrasings = (flag.rephrasings || []).filter(function (r) {
      return typeof r === "string" && r.trim();
    });
    return h(
      "div",
      { className: "coach-flag", key: "flag-" + index },
      h(
        "p",
        { className: "coach-flag-head" },
        h("span", { className: "coach-quote" }, "\u201c" + String(flag.text || "") + "\u201d"),
        " ",
        h("span", { className: "coach-category" }, group.labels.join(" · "))
      ),
      flag.explanation ? h("p", { className: "coach-explanation" }, String(flag.explanation)) : null,
      rephrasings.length
        ? h(
            "div",
            { className: "coach-try" },
            h("p", { className: "coach-try-label" }, "You could try:"),
            h(
              "ul",
              { className: "coach-rephrasings" },
              rephrasings.map(function (r, i) {
                return h("li", { key: "r-" + i }, r);
              })
            )
          )
        : null
    );
  }

  /** The coach's card for one `coach` payload. */
  function coachCard(coach) {
    var kind = coach.kind === "praise" || (!coach.kind && !(coach.flags || []).length) ? "praise" : "flag";
    var body;
    if (kind === "flag" && (coach.flags || []).length) {
      var grouped = groupFlags(coach.flags, 2);
      body = grouped.groups.map(flagBlock);
      if (grouped.more) {
        body.push(
          h(
            "p",
            { className: "coach-more", key: "more" },
            "The debrief (/feedback) lists " + grouped.more + " more."
          )
        );
      }
    } else {
      body = [h("p", { className: "coach-text", key: "note" }, withoutLabel(coach.note))];
    }
    return h(
      "section",
      {
        className: "coach-note coach-note--" + kind,
        role: "note",
        "aria-label": kind === "praise" ? "Coach: well done" : "Coach note",
        "data-kind": kind
      },
      h("p", { className: "coach-label", "aria-hidden": "true" }, kind === "praise" ? "Coach · nice" : "Coach"),
      body
    );
  }

  /**
   * rasa-webchat's customComponent. A coach payload becomes the coach's card; a message that carries text
   * with extra keys (which the widget does not treat as text) is shown as an ordinary bot bubble; anything
   * else is not shown.
   */
  function PracticeMessage(props) {
    if (props && props.coach && typeof props.coach === "object") {
      return coachCard(props.coach);
    }
    if (props && typeof props.text === "string" && props.text) {
      return h(
        "div",
        { className: "rw-response practice-plain" },
        h("div", { className: "rw-message-text" }, props.text)
      );
    }
    return null;
  }

  global.PracticeCoach = {
    PracticeMessage: PracticeMessage,
    coachCard: coachCard,
    groupFlags: groupFlags,
    humanise: humanise
  };
})(window);
