% Logs every music event LilyPond interprets, voice by voice, to a file per staff
% (OUTPUT-INSTRUMENTNAME.events), one tab-separated line each: the moment (a fraction of a whole
% note; a grace note's grace moment after it), the kind of event and what it says. Modelled on
% LilyPond's own event-listener.ly, with exact pitches (note name, alteration, octave) and the
% events it leaves out (phrasing slurs, trills, pedals, arpeggios, tremolos), and the tweaks of
% notes (noteheads) and texts (their order).
% Used by lilypond_events.py:  lilypond -dinclude-settings=event_listener.ly FILE

#(define (scamp-moment->string moment)
   (let ((main (/ (ly:moment-main-numerator moment) (ly:moment-main-denominator moment)))
         (grace (/ (ly:moment-grace-numerator moment) (ly:moment-grace-denominator moment))))
     (if (zero? grace)
         (format #f "~a" main)
         (format #f "~a~a" main grace))))

#(define (scamp-staff-file context)
   (let ((name (ly:context-property context 'instrumentName)))
     (string-append (ly:parser-output-name) "-"
                    (if (string? name) name "unnamed-staff") ".events")))

#(define (scamp-log engraver kind . values)
   (let* ((context (ly:translator-context engraver))
          (port (open-file (scamp-staff-file context) "a")))
     (display (string-join
               (cons (scamp-moment->string (ly:context-current-moment context))
                     (cons kind (map (lambda (x) (format #f "~a" x)) values)))
               "\t")
              port)
     (newline port)
     (close port)))

#(define (scamp-duration event)
   (ly:duration->string (ly:event-property event 'duration)))

#(define (scamp-tweaks event)
   (sort (map (lambda (t) (format #f "~a" t)) (ly:event-property event 'tweaks '())) string<?))

#(define (scamp-span engraver kind event)
   (scamp-log engraver kind (ly:event-property event 'span-direction)))

#(define scamp-event-listener
   (make-engraver
    (listeners
     ((note-event engraver event)
      (let ((pitch (ly:event-property event 'pitch)))
        (scamp-log engraver "note"
                   (ly:pitch-notename pitch) (ly:pitch-alteration pitch) (ly:pitch-octave pitch)
                   (scamp-duration event) (scamp-tweaks event))))
     ((rest-event engraver event) (scamp-log engraver "rest" (scamp-duration event)))
     ((tempo-change-event engraver event)
      (scamp-log engraver "tempo"
                 (ly:duration->string (ly:event-property event 'tempo-unit))
                 (ly:event-property event 'metronome-count)
                 (markup->string (ly:event-property event 'text ""))))
     ((articulation-event engraver event)
      (scamp-log engraver "script" (ly:event-property event 'articulation-type)))
     ((text-script-event engraver event)
      (scamp-log engraver "text" (ly:event-property event 'direction 0)
                 (markup->string (ly:event-property event 'text)) (scamp-tweaks event)))
     ((absolute-dynamic-event engraver event)
      (scamp-log engraver "dynamic" (ly:event-property event 'text)))
     ((crescendo-event engraver event) (scamp-span engraver "cresc" event))
     ((decrescendo-event engraver event) (scamp-span engraver "decresc" event))
     ((slur-event engraver event) (scamp-span engraver "slur" event))
     ((phrasing-slur-event engraver event) (scamp-span engraver "phrasing-slur" event))
     ((text-span-event engraver event) (scamp-span engraver "text-span" event))
     ((trill-span-event engraver event) (scamp-span engraver "trill" event))
     ((sustain-event engraver event) (scamp-span engraver "pedal" event))
     ((glissando-event engraver event) (scamp-log engraver "gliss"))
     ((tie-event engraver event) (scamp-log engraver "tie"))
     ((arpeggio-event engraver event) (scamp-log engraver "arpeggio"))
     ((tremolo-event engraver event)
      (scamp-log engraver "tremolo" (ly:event-property event 'tremolo-type))))))

\layout {
  \context {
    \Voice
    \consists #scamp-event-listener
  }
}
