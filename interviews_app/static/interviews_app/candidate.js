/* The candidate's interview page: welcome and consent, microphone check, the interview by voice or
 * text over the interview WebSocket, and the thank-you screen. Plain script, no build step.
 *
 * Every call uses the candidate pass as its Bearer token: joinInterview on /ws/interview,
 * POST /audio/synthesize (the interviewer's voice), POST /transcription/audio (the candidate's voice),
 * GET /interview/<id>/transcript (catching up after a refused duplicate).
 *
 * Turns are never lost or repeated across a lost connection: an answer carries `replyTo`, the index
 * of the interviewer message it answers, and is kept (also across a reload, in sessionStorage) until
 * the transcript holds it. After a reconnect it is sent again only if the transcript does not; the
 * server refuses a copy whose message has already been answered (already_answered). Messages are
 * rendered once by index, and each interviewer message is spoken once (spoken indexes are kept too).
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("juggy-config").textContent);
  const T = JSON.parse(document.getElementById("juggy-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const storeKey = "juggy.interview." + config.interviewId;

  // Voice activity: a level above SPEECH_LEVEL is speech; after speech, PAUSE_MS of quiet ends the answer.
  const SPEECH_LEVEL = 0.02;
  const PAUSE_MS = 1400;
  const MAX_ANSWER_MS = 180000;
  const HOLD_MS = 400; // a press longer than this is push-to-talk; shorter is a toggle (keyboards too)

  const page = {
    mode: "voice", // or "text"
    socket: null,
    joined: false,
    finished: false,
    closing: false, // the link stopped working; no more reconnects
    retries: 0,
    messages: new Map(), // index -> message, as rendered
    lastInterviewer: -1, // index of the latest interviewer message
    speaking: null, // the Audio element playing
    talking: false, // the interviewer's voice is being fetched or played
    recording: null, // {recorder, stream, chunks, context, timer, heard, lastVoice, started, send}
    busy: false, // an answer is on its way (transcribing or waiting for the reply)
  };
  const saved = load();

  // --- persistence (survives a reload of the page) --------------------------------------------------
  function load() {
    try {
      return Object.assign({ spoken: [], pending: null, consent: false }, JSON.parse(sessionStorage.getItem(storeKey) || "{}"));
    } catch (e) {
      return { spoken: [], pending: null, consent: false };
    }
  }
  function persist() {
    try { sessionStorage.setItem(storeKey, JSON.stringify(saved)); } catch (e) { /* private mode: memory only */ }
  }

  // --- screens and state ----------------------------------------------------------------------------
  function show(screen) {
    for (const id of ["welcome", "interview", "thanks"]) $(id).hidden = id !== screen;
    const target = screen === "thanks" ? $("thanks") : $(screen).querySelector("h1");
    if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
  }
  function setState(name, text) {
    const el = $("state");
    el.dataset.state = name;
    el.textContent = text;
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
  }
  function setProgress(progress) {
    if (!progress) return;
    const total = progress.totalQuestions || config.totalQuestions;
    const current = Math.min(progress.currentQuestion || 0, total);
    $("progress").max = total;
    $("progress").value = current;
    $("progress-text").textContent = format(T.progress, { current: current, total: total });
  }

  // --- the conversation -----------------------------------------------------------------------------
  function render(message, pending) {
    if (!message) return;
    if (page.messages.has(message.index)) return;
    page.messages.set(message.index, message);
    const li = document.createElement("li");
    li.className = message.role;
    li.dataset.index = message.index;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = message.role === "interviewer" ? T.interviewer : T.you;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    li.append(who, text);
    if (message.role === "interviewer") {
      page.lastInterviewer = Math.max(page.lastInterviewer, message.index);
      if (saved.spoken.includes(message.index)) li.dataset.spoken = "true";
      const replay = document.createElement("button");
      replay.type = "button";
      replay.className = "replay";
      replay.textContent = T.play;
      replay.setAttribute("aria-label", T.play + ": " + message.text.slice(0, 80));
      replay.addEventListener("click", () => speak(message, true));
      li.append(replay);
    }
    // Keep document order by index (a reply may be rendered before a late answer).
    const list = $("transcript");
    const after = Array.from(list.children).find((el) => Number(el.dataset.index) > message.index);
    list.insertBefore(li, after || null);
    if (pending) pending.remove();
    list.scrollTop = list.scrollHeight;
  }

  function showPendingAnswer(text) {
    const li = document.createElement("li");
    li.className = "candidate pending";
    li.id = "pending-answer";
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = T.you + " · " + T.sending;
    const body = document.createElement("span");
    body.textContent = text;
    li.append(who, body);
    $("transcript").append(li);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  function reconcile(transcript) {
    // The server's transcript is the truth: render what is missing, settle a pending answer.
    for (const message of transcript) render(message, null);
    const pending = saved.pending;
    if (pending) {
      const stored = transcript.find((m) => m.index === pending.replyTo + 1 && m.role === "candidate");
      if (stored || page.lastInterviewer > pending.replyTo) {
        clearPending();
      }
    }
  }

  function clearPending() {
    saved.pending = null;
    persist();
    const li = $("pending-answer");
    if (li) li.remove();
    page.busy = false;
  }

  async function afterInterviewerMessage() {
    // Speak the latest interviewer message if it was never spoken, then hand the turn over.
    const latest = page.messages.get(page.lastInterviewer);
    if (latest && !saved.spoken.includes(latest.index) && $("voice-on").checked) await speak(latest, false);
    if (page.finished) return showThanks();
    if (!saved.pending) yourTurn();
  }

  function yourTurn() {
    if (page.finished || page.busy || !page.joined) return;
    if (page.mode === "text") {
      $("answer-text").hidden = false;
      $("answer-voice").hidden = true;
      setState("your-turn", T.yourTurn);
      $("send").disabled = false;
      $("answer").focus();
    } else {
      $("answer-text").hidden = true;
      $("answer-voice").hidden = false;
      if ($("auto").checked) startRecording(true);
      else setState("waiting", T.listeningPtt);
    }
  }

  function sendAnswer(text) {
    text = text.trim();
    if (!text) return;
    saved.pending = { text: text, replyTo: page.lastInterviewer };
    persist();
    page.busy = true;
    showPendingAnswer(text);
    setState("thinking", T.thinking);
    $("send").disabled = true;
    transmit();
  }

  function transmit() {
    const pending = saved.pending;
    if (!pending || !page.joined) return; // sent again on the next join
    send("candidateResponse", { response: pending.text, replyTo: pending.replyTo });
  }

  // --- WebSocket --------------------------------------------------------------------------------------
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + config.socketPath);
    page.socket = socket;
    page.joined = false;
    socket.addEventListener("open", () => {
      page.retries = 0;
      send("joinInterview", { interviewId: config.interviewId, token: config.token });
    });
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      const handler = handlers[message.event];
      if (handler) handler(message.data || {});
    });
    socket.addEventListener("close", (event) => {
      page.joined = false;
      if (page.socket !== socket || page.finished || page.closing) return;
      if (event.code === 4401 || event.code === 4403) return linkDead();
      // Lost: try again with backoff (0.5 s, 1 s, 2 s ... at most 10 s), keeping what was in flight.
      setState("reconnecting", T.reconnecting);
      const delay = Math.min(10000, 500 * 2 ** page.retries++);
      setTimeout(connect, delay);
    });
  }

  function send(event, data) {
    if (page.socket && page.socket.readyState === WebSocket.OPEN) {
      page.socket.send(JSON.stringify({ event: event, data: data || {} }));
    }
  }

  const handlers = {
    joinedInterview(data) {
      page.joined = true;
      const interview = data.interview || {};
      setProgress(interview.progress);
      reconcile(data.transcript || []);
      if (interview.status === "ended" || interview.status === "failed") {
        page.finished = true;
        return afterInterviewerMessage();
      }
      if (interview.status === "created") {
        setState("thinking", T.thinking);
        return send("startInterview");
      }
      if (saved.pending) {
        page.busy = true;
        if (!$("pending-answer")) showPendingAnswer(saved.pending.text);
        setState("thinking", T.thinking);
        return transmit();
      }
      if (!page.talking && !page.recording) afterInterviewerMessage();
    },
    aiInterviewerMessage(data) {
      if (data.inReplyTo) render(data.inReplyTo, $("pending-answer"));
      render(data.message, null);
      if (saved.pending && data.inReplyTo && data.inReplyTo.index === saved.pending.replyTo + 1) clearPending();
      setProgress(data.progress);
      if (data.status === "ended" || data.status === "failed" || (data.progress && data.progress.finished)) {
        page.finished = true;
      }
      afterInterviewerMessage();
    },
    interviewEnded(data) {
      setProgress(data.progress);
      page.finished = true;
      stopRecording(false);
      if (!page.talking) showThanks(); // else once the closing line has been spoken
    },
    error(data) {
      switch (data.code) {
        case "already_answered":
        case "interview_already_started":
          return catchUp();
        case "interview_ended":
          page.finished = true;
          return showThanks();
        case "interviewer_unavailable":
        case "turn_conflict":
          // Nothing was stored: the same answer goes again shortly.
          setState("thinking", T.retrying);
          return setTimeout(transmit, 3000);
        case "room_pass_expired":
        case "invalid_room_pass":
        case "interview_not_found":
          return linkDead();
        default:
          setState("error", format(T.error, { message: data.message || data.code }));
          if (saved.pending && data.code === "invalid_payload") clearPending();
          if (!page.busy) setTimeout(yourTurn, 1500);
      }
    },
  };

  async function catchUp() {
    // The server already has what we sent: read the transcript and carry on from it.
    try {
      const response = await fetch(config.transcriptUrl, { headers: { Authorization: "Bearer " + config.token } });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      reconcile(body.messages || []);
      if (body.status === "ended" || body.status === "failed") page.finished = true;
    } catch (e) {
      setState("error", format(T.error, { message: e.message }));
    }
    clearPending();
    afterInterviewerMessage();
  }

  function linkDead() {
    page.closing = true;
    stopRecording(false);
    setState("error", T.linkInvalid);
    $("answer-voice").hidden = true;
    $("answer-text").hidden = true;
  }

  function showThanks() {
    if (page.socket) { page.closing = true; page.socket.close(1000); }
    stopRecording(false);
    saved.pending = null;
    persist();
    show("thanks");
  }

  // --- the interviewer's voice ------------------------------------------------------------------------
  async function speak(message, again) {
    if (page.speaking) { page.speaking.pause(); page.speaking = null; }
    page.talking = true;
    setState("speaking", T.speaking);
    const li = $("transcript").querySelector('li[data-index="' + message.index + '"]');
    try {
      const response = await fetch(config.synthesizeUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + config.token },
        body: JSON.stringify({ text: message.text, voice: config.voice, format: audioFormat() }),
      });
      if (!response.ok) throw new Error("synthesis " + response.status);
      const body = await response.json();
      const audio = new Audio(body.audioUrl);
      page.speaking = audio;
      await new Promise((resolve, reject) => {
        audio.addEventListener("ended", resolve);
        audio.addEventListener("error", () => reject(new Error("playback")));
        audio.play().catch(reject);
      });
      if (li) li.dataset.spoken = "true";
    } catch (e) {
      if (!again) setState("error", T.speechFailed);
    } finally {
      if (!again && !saved.spoken.includes(message.index)) { saved.spoken.push(message.index); persist(); }
      page.speaking = null;
      page.talking = false;
    }
  }

  function audioFormat() {
    return new Audio().canPlayType("audio/mpeg") ? "mp3" : "wav";
  }

  // --- the candidate's voice --------------------------------------------------------------------------
  function recorderType() {
    const types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
    return types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";
  }

  async function openMicrophone() {
    return navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
  }

  function levelOf(analyser, buffer) {
    analyser.getFloatTimeDomainData(buffer);
    let sum = 0;
    for (const v of buffer) sum += v * v;
    return Math.sqrt(sum / buffer.length);
  }

  // The microphone is opened for each answer and closed after it: the interviewer's voice coming out
  // of the speakers is never recorded, and the browser's recording indicator is off in between.
  async function startRecording(automatic) {
    if (page.recording || page.busy || page.finished) return;
    let stream;
    try {
      stream = await openMicrophone();
    } catch (e) {
      return fallBackToText();
    }
    const type = recorderType();
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const buffer = new Float32Array(analyser.fftSize);
    const rec = { recorder, stream, context, chunks: [], heard: false, lastVoice: 0, started: Date.now(),
                  automatic: automatic, send: false };
    page.recording = rec;
    recorder.addEventListener("dataavailable", (e) => { if (e.data && e.data.size) rec.chunks.push(e.data); });
    recorder.addEventListener("stop", () => finishRecording(rec));
    recorder.start(250);
    $("talk").setAttribute("aria-pressed", "true");
    $("talk").textContent = T.stop;
    setState(automatic ? "listening" : "recording", automatic ? T.listening : T.recording);
    rec.timer = setInterval(() => {
      const level = levelOf(analyser, buffer);
      $("level").value = Math.min(1, level * 5);
      const now = Date.now();
      if (level > SPEECH_LEVEL) { rec.heard = true; rec.lastVoice = now; }
      const paused = rec.automatic && $("auto").checked && rec.heard && now - rec.lastVoice > PAUSE_MS;
      if (paused || now - rec.started > MAX_ANSWER_MS) stopRecording(true);
    }, 50);
  }

  function stopRecording(send) {
    const rec = page.recording;
    if (!rec) return;
    page.recording = null;
    rec.send = send;
    clearInterval(rec.timer);
    $("level").value = 0;
    $("talk").setAttribute("aria-pressed", "false");
    $("talk").textContent = T.talk;
    if (rec.recorder.state !== "inactive") rec.recorder.stop();
    else finishRecording(rec);
  }

  async function finishRecording(rec) {
    if (rec.done) return;
    rec.done = true;
    rec.stream.getTracks().forEach((t) => t.stop());
    rec.context.close();
    if (!rec.send || page.finished) return;
    const blob = new Blob(rec.chunks, { type: rec.recorder.mimeType || "audio/webm" });
    page.busy = true;
    setState("thinking", T.transcribing);
    let text = "";
    try {
      const form = new FormData();
      form.append("file", blob, "answer." + extensionOf(blob.type));
      const response = await fetch(config.transcribeUrl, {
        method: "POST", headers: { Authorization: "Bearer " + config.token }, body: form,
      });
      if (!response.ok) throw new Error("transcription " + response.status);
      text = ((await response.json()).text || "").trim();
    } catch (e) {
      text = "";
    }
    page.busy = false;
    if (!text) {
      setState("error", T.notHeard);
      return setTimeout(yourTurn, 1500);
    }
    sendAnswer(text);
  }

  function extensionOf(type) {
    if (type.includes("ogg")) return "ogg";
    if (type.includes("mp4")) return "m4a";
    return "webm";
  }

  function fallBackToText() {
    page.mode = "text";
    $("mode-text").checked = true;
    setState("error", T.micBlocked);
    $("answer-voice").hidden = true;
    $("answer-text").hidden = false;
    $("send").disabled = page.busy;
    $("answer").focus();
  }

  // --- the welcome screen -----------------------------------------------------------------------------
  async function checkMicrophone() {
    const result = $("mic-result");
    let stream;
    try {
      stream = await openMicrophone();
    } catch (e) {
      result.textContent = T.micBlocked;
      $("mode-text").checked = true;
      return false;
    }
    result.textContent = T.micChecking;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const buffer = new Float32Array(analyser.fftSize);
    let peak = 0;
    await new Promise((resolve) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const level = levelOf(analyser, buffer);
        peak = Math.max(peak, level);
        $("mic-level").value = Math.min(1, level * 5);
        if (peak > SPEECH_LEVEL * 2 || Date.now() - started > 4000) { clearInterval(timer); resolve(); }
      }, 50);
    });
    stream.getTracks().forEach((t) => t.stop());
    context.close();
    $("mic-level").value = 0;
    const works = peak > SPEECH_LEVEL * 2;
    result.textContent = works ? T.micWorks : T.micSilent;
    result.dataset.result = works ? "works" : "silent";
    return works;
  }

  function begin(event) {
    event.preventDefault();
    if (!$("consent").checked) {
      $("consent-help").hidden = false;
      $("consent").setAttribute("aria-invalid", "true");
      $("consent").focus();
      return;
    }
    saved.consent = true;
    persist();
    page.mode = $("mode-text").checked || !window.MediaRecorder || !navigator.mediaDevices ? "text" : "voice";
    $("auto").checked = true;
    show("interview");
    setState("connecting", T.connecting);
    connect();
  }

  // --- controls -----------------------------------------------------------------------------------------
  function wireControls() {
    $("welcome-form").addEventListener("submit", begin);
    $("consent").addEventListener("change", () => {
      $("consent-help").hidden = true;
      $("consent").removeAttribute("aria-invalid");
    });
    $("mic-test").addEventListener("click", checkMicrophone);

    // Hold to talk; a short press (or Enter/Space) toggles instead, so keyboards and switches work too.
    const talk = $("talk");
    let pressedAt = 0;
    talk.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      pressedAt = Date.now();
      if (page.recording) return stopRecording(true);
      if (page.speaking) { page.speaking.pause(); page.speaking = null; }
      startRecording(false);
    });
    talk.addEventListener("pointerup", () => {
      if (pressedAt && Date.now() - pressedAt > HOLD_MS && page.recording && !page.recording.automatic) stopRecording(true);
      pressedAt = 0;
    });
    talk.addEventListener("click", (e) => {
      if (e.detail !== 0) return; // pointer clicks were handled above; this is the keyboard
      if (page.recording) stopRecording(true);
      else startRecording(false);
    });
    $("to-text").addEventListener("click", () => {
      stopRecording(false);
      page.mode = "text";
      yourTurn();
    });
    $("to-voice").addEventListener("click", () => {
      page.mode = "voice";
      yourTurn();
    });
    $("answer-text").addEventListener("submit", (e) => {
      e.preventDefault();
      if (page.busy) return;
      const text = $("answer").value;
      if (!text.trim()) return $("answer").focus();
      $("answer").value = "";
      sendAnswer(text);
    });
    $("answer").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        $("answer-text").requestSubmit();
      }
    });
    $("end").addEventListener("click", () => {
      if (!window.confirm(T.confirmEnd)) return;
      stopRecording(false);
      send("endInterview");
    });
  }

  wireControls();
  if (saved.consent) $("consent").checked = true;
})();
