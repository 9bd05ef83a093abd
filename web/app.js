/*
 * The practice page: rasa-webchat, embedded full-page, talking to Rasa's Socket.IO channel on the page's
 * own origin. Loaded after React's UMD build, rasa-webchat's UMD bundle (window.WebChat) and coach.js.
 *
 * Nothing here names a server: the page works wherever its folder is served next to Rasa's /socket.io/
 * (`make web`, or nginx in the production profile). Another site embeds the chat with the same files and
 * names the practice server on the mount element: <div id="webchat" data-server="https://...">.
 */
(function (global) {
  "use strict";

  var mount = document.getElementById("webchat");
  if (!global.WebChat || !global.React || !global.PracticeCoach) {
    mount.textContent = "The chat could not load. Please reload the page; if it keeps happening, tell your trainer.";
    mount.className = "load-error";
    return;
  }

  global.WebChat.default(
    {
      socketUrl: (mount.getAttribute("data-server") || global.location.origin).replace(/\/+$/, ""),
      socketPath: "/socket.io/",
      // Greets once per browser session: the welcome, then the scenario menu as buttons.
      initPayload: "/greet",
      // The conversation is kept in this browser (localStorage) and in Rasa's tracker store under one
      // session id, so a reload, or a server restart, picks it up where it was.
      params: { storage: "local" },
      embedded: true,
      withRules: false,
      inputTextFieldHint: "Type your reply…",
      connectingText: "Connecting…",
      hideWhenNotConnected: false,
      showMessageDate: false,
      // A short, length-based pause before each bot message, so the peer does not answer in a burst.
      customMessageDelay: function (message) {
        var length = typeof message === "string" ? message.length : 40;
        return Math.max(250, Math.min(1200, length * 8));
      },
      customComponent: global.PracticeCoach.PracticeMessage
    },
    mount
  );

  // rasa-webchat draws quick replies (the scenario menu) as clickable <div>s. Make them real buttons for
  // the keyboard and screen readers: role, focus, and Enter / Space to choose.
  function asButton(reply) {
    reply.setAttribute("role", "button");
    reply.setAttribute("tabindex", "0");
    reply.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reply.click();
      }
    });
  }
  new MutationObserver(function () {
    var replies = mount.querySelectorAll(".rw-reply:not([role])");
    for (var i = 0; i < replies.length; i += 1) {
      asButton(replies[i]);
    }
  }).observe(mount, { childList: true, subtree: true });
})(window);
