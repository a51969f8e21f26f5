// Keeps a growing scroll area at its end until the reader scrolls up, and again once they are
// back at the bottom (or jump there).
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from "react";

export interface FollowEnd {
  following: boolean;
  onScroll: () => void;
  jumpToEnd: () => void;
}

export function useFollowEnd(
  scrollRef: RefObject<HTMLElement | null>,
  contentSize: number,
  slack: number,
): FollowEnd {
  const [following, setFollowingState] = useState(true);
  const followingRef = useRef(true);
  const setFollowing = useCallback((value: boolean) => {
    followingRef.current = value;
    setFollowingState(value);
  }, []);

  // Before paint, so a following view never shows a frame short of the newest line.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && followingRef.current) element.scrollTop = element.scrollHeight;
  }, [contentSize, scrollRef]);

  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight <= slack;
    if (atEnd !== followingRef.current) setFollowing(atEnd);
  }, [scrollRef, setFollowing, slack]);

  const jumpToEnd = useCallback(() => {
    const element = scrollRef.current;
    setFollowing(true);
    if (!element) return;
    element.scrollTop = element.scrollHeight;
    // The button goes away once following: keep keyboard focus on the log, not on nothing.
    element.focus({ preventScroll: true });
  }, [scrollRef, setFollowing]);

  return { following, onScroll, jumpToEnd };
}
