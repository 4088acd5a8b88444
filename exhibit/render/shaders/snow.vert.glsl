#version 130
// Falling snow: each flake is a small camera-facing quad whose position is a function
// of time alone. Flakes live in a box around the camera (wrapped), so the fall stays
// dense near the viewer wherever the camera goes; they fade outside the object's area.
// Same formula as particles.py's snow_centres(), used where there is no GLSL.
#include "common.glsl"
uniform mat4 p3d_ViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrixInverse;
uniform mat4 p3d_ProjectionMatrix;
uniform float u_time;
uniform vec4 u_snow_box;     // xyz: size of the box around the camera, w: flake size (m)
uniform vec4 u_snow_area;    // xy: half size of the object's area, z: height, w: fall speed
uniform vec4 u_snow_wind;    // xy: wind (m/s)
in vec4 p3d_Vertex;          // xyz: a random point in the unit cube (-0.5..0.5)
in vec4 p3d_Color;           // r, g: random phases
in vec2 p3d_MultiTexCoord0;  // corner in -1..1
out float v_alpha;
out vec2 v_uv;
out vec3 v_rgb;          // lit and fogged once per corner: a flake is a few pixels

void main() {
    vec3 cam = p3d_ViewMatrixInverse[3].xyz;
    vec3 origin = (p3d_ModelMatrix * vec4(0.0, 0.0, 0.0, 1.0)).xyz;
    float t = u_time;
    float phase = p3d_Color.r * 6.2831853;
    float speed = u_snow_area.w * (0.75 + 0.5 * p3d_Color.g);
    vec3 drift = vec3(u_snow_wind.xy * t + 0.6 * vec2(sin(t * 0.9 + phase), cos(t * 0.7 + phase * 1.3)), -speed * t);
    vec3 box = u_snow_box.xyz;
    vec3 local = p3d_Vertex.xyz * box + drift;
    vec3 rel = local - (cam - origin);
    rel = rel - box * floor(rel / box + 0.5);
    vec3 center = cam + rel;
    vec3 off = center - origin;
    float inside = (1.0 - smoothstep(0.85, 1.0, abs(off.x) / u_snow_area.x))
                 * (1.0 - smoothstep(0.85, 1.0, abs(off.y) / u_snow_area.y))
                 * step(-2.0, off.z) * (1.0 - smoothstep(0.9, 1.0, off.z / u_snow_area.z));
    vec3 edge = abs(rel) / (box * 0.5);
    float fade = 1.0 - smoothstep(0.6, 1.0, max(max(edge.x, edge.y), edge.z));
    float dist = max(length(rel), 0.1);
    // never smaller than about one pixel of a 720-line view, so distant flakes do not vanish
    float pixel = dist * 2.0 / (p3d_ProjectionMatrix[1][1] * 720.0);
    float size = max(u_snow_box.w, pixel * 1.6);
    v_alpha = inside * fade * clamp(u_snow_box.w / size * 1.6, 0.25, 1.0);
    if (v_alpha < 0.01) {
        // every pixel of this flake would be discarded (snow.frag.glsl): skip rasterizing it
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
        v_uv = vec2(0.0);
        v_rgb = vec3(0.0);
        return;
    }
    vec3 f = rel / dist;
    vec3 right = normalize(cross(vec3(0.0, 0.0, 1.0), -f) + vec3(1e-4, 0.0, 0.0));
    vec3 up = cross(-f, right);
    vec2 corner = p3d_MultiTexCoord0;
    vec3 world = center + (right * corner.x + up * corner.y) * size;
    gl_Position = p3d_ViewProjectionMatrix * vec4(world, 1.0);
    v_uv = corner;
    vec3 light = u_ambient * 1.1 + u_sun_color * 0.5 + lamp_light(world, vec3(0.0, 0.0, 1.0), 1.0);
    v_rgb = apply_fog(vec3(0.97, 0.98, 1.0) * min(light, vec3(1.0)), cam, world);
}
